using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ServingBench.Config;

namespace ServingBench.Tests.Config;

/// <summary>Bad environment variables: one line naming variable, value and problem, a non-zero exit, and only for runs that use them.</summary>
public sealed class RunSettingsTests
{
    [Fact]
    public void Unknown_Payload_Names_Variable_Value_And_The_Known_Names()
    {
        var error = Assert.Throws<SettingsException>(() => RunSettings.RoundTripPayloads("nonsense"));
        Assert.StartsWith("SERVINGBENCH_ROUNDTRIP_PAYLOADS='nonsense': unknown payload 'nonsense'", error.Message, StringComparison.Ordinal);
        Assert.Contains(PayloadKind.BartText.Name, error.Message, StringComparison.Ordinal);
        Assert.Equal(2, RunSettings.RoundTripPayloads(null).Count);
        Assert.Equal(ScenarioCatalog.Payloads.Count, RunSettings.RoundTripPayloads("all").Count);
        Assert.Equal([PayloadKind.BartText], RunSettings.RoundTripPayloads(" bart-text ,"));
    }

    [Fact]
    public void Port_Out_Of_Range_Is_Described_As_Such()
    {
        var environment = Reader(("SERVINGBENCH_TRITON_GRPC", "http://127.0.0.1:99999"));
        var error = Assert.Throws<SettingsException>(() => RunSettings.Check(_ => true, connect: false, environment));
        Assert.Equal("SERVINGBENCH_TRITON_GRPC='http://127.0.0.1:99999': port 99999 is outside 1-65535", error.Message);

        environment = Reader(("SERVINGBENCH_TRITON_GRPC", "gpu-box:8001"));
        error = Assert.Throws<SettingsException>(() => RunSettings.Check(_ => true, connect: false, environment));
        Assert.Contains("not an http:// or https:// address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Variable_Is_Checked_Only_When_Its_Class_Is_Selected()
    {
        var environment = Reader(("SERVINGBENCH_ROUNDTRIP_PAYLOADS", "nonsense"), ("SERVINGBENCH_MODEL_SIZE", "huge"));
        RunSettings.Check(type => type == "SerializationBenchmarks", connect: true, environment);
        Assert.Contains("SERVINGBENCH_ROUNDTRIP_PAYLOADS", Assert.Throws<SettingsException>(() => RunSettings.Check(type => type == "RoundTripBenchmarks", connect: false, environment)).Message);
        Assert.Contains("SERVINGBENCH_MODEL_SIZE='huge'", Assert.Throws<SettingsException>(() => RunSettings.Check(type => type == "InProcessBenchmarks", connect: false, environment)).Message);
    }

    [Fact]
    public void Unreachable_Server_Is_Refused_Before_The_Run_With_One_Line()
    {
        // A port that was free a moment ago: nothing listens there, so the connection is refused at once.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var environment = Reader(("SERVINGBENCH_TRITON_GRPC", $"http://127.0.0.1:{port}"));
        var error = Assert.Throws<SettingsException>(() => RunSettings.Check(_ => true, connect: true, environment));
        Assert.StartsWith($"SERVINGBENCH_TRITON_GRPC='http://127.0.0.1:{port}': cannot connect to 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);

        // Listing does not connect.
        RunSettings.Check(_ => true, connect: false, environment);
    }

    /// <summary>The whole app, as a user runs it: the listing of another class works; a run that uses the variable exits 2 with one line.</summary>
    [Fact]
    public async Task App_Lists_Other_Classes_And_Refuses_Runs_That_Use_A_Bad_Variable()
    {
        string results = Path.Combine(Path.GetTempPath(), "servingbench-settings-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Three processes at once: each spends most of its time starting up.
            var listOther = RunAppAsync(["--list", "flat", "--filter", "*SerializationBenchmarks.EncodeRequest*"], ("SERVINGBENCH_ROUNDTRIP_PAYLOADS", "nonsense"), ("SERVINGBENCH_RESULTS", results));
            var listRoundTrip = RunAppAsync(["--list", "flat", "--filter", "*RoundTrip*"], ("SERVINGBENCH_ROUNDTRIP_PAYLOADS", "nonsense"), ("SERVINGBENCH_RESULTS", results));
            var runUnreachable = RunAppAsync(["--filter", "*RoundTrip*triton-grpc*", "--job", "dry"], ("SERVINGBENCH_TRITON_GRPC", "http://127.0.0.1:1"), ("SERVINGBENCH_RESULTS", results));

            var (code, output, error) = await listOther;
            Assert.True(code == 0, $"exit {code}: {error}");
            Assert.Contains("EncodeRequest", output, StringComparison.Ordinal);

            (code, _, error) = await listRoundTrip;
            Assert.Equal(2, code);
            Assert.StartsWith("SERVINGBENCH_ROUNDTRIP_PAYLOADS='nonsense': unknown payload 'nonsense'", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            (code, _, error) = await runUnreachable;
            Assert.Equal(2, code);
            Assert.StartsWith("SERVINGBENCH_TRITON_GRPC='http://127.0.0.1:1': cannot connect to 127.0.0.1:1", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(Directory.Exists(results) && Directory.EnumerateFileSystemEntries(results).Any(), "reports were published");
        }
        finally
        {
            if (Directory.Exists(results))
            {
                Directory.Delete(results, recursive: true);
            }
        }
    }

    internal static async Task<(int Code, string Output, string Error)> RunAppAsync(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ServingBench.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        ChildEnvironment.SetServingBenchVariables(start, environment);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    internal static Func<string, string?> Reader(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
