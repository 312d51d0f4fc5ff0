using ServingBench.Emulators;
using ServingBench.Tests.Config;

namespace ServingBench.Tests.Load;

/// <summary><c>load --target</c> names a real server; the environment still says what that server calls each model.</summary>
public sealed class LoadTargetTests() : TemporaryFolderTest("servingbench-load-target-")
{
    [Fact]
    public async Task Load_Target_Asks_For_The_Model_Under_The_Name_The_Environment_Gives()
    {
        // An emulator stands in for the real server: it serves "resnet50" only, so a request for the overriding name
        // is refused, and the refusal names the path the client asked for.
        await using var server = await EmulatedServers.StartAsync(new EmulatorOptions(), [Framework.Triton]);
        string target = server.Address(Framework.Triton, Protocol.Rest).ToString();

        var (code, _, error) = await RunSettingsTests.RunAppAsync(
            ["load", "--scenario", "triton-rest-json", "--payload", "resnet50-tensor", "--target", target, "--users", "1", "--duration", "300ms", "--warmup", "0s", "--output", Folder],
            ("SERVINGBENCH_TRITON_MODEL_RESNET50", "resnet50_onnx"),
            ("SERVINGBENCH_RESULTS", Folder));

        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.Contains("/v2/models/resnet50_onnx", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
