using System.Diagnostics;
using ServingBench.Reports.Runs;
using ServingBench.Tests.Benchmarks;

namespace ServingBench.Tests.Reports;

/// <summary>
/// A dry run, a narrow run and a failed run, each of the built app in a fresh clone of this commit, leave the
/// committed results as they were: `git status` stays clean, and each run lands in a new folder of its own.
/// </summary>
[Collection(nameof(DryRunCollection))]
public sealed class RunIsolationTests : IDisposable
{
    private readonly string _clone = Path.Combine(Path.GetTempPath(), "servingbench-clone-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_clone))
        {
            Directory.Delete(_clone, recursive: true);
        }
    }

    [Fact]
    public void Dry_Narrow_And_Failed_Runs_Leave_The_Committed_Results_Unchanged()
    {
        string repository = RepositoryRoot.Find() ?? throw new InvalidOperationException("the tests run inside a clone");
        Assert.Equal(0, Run("git", $"clone --quiet --local \"{repository}\" \"{_clone}\"", repository, out string cloned));
        Assert.True(cloned.Length == 0 || !cloned.Contains("fatal", StringComparison.Ordinal), cloned);
        int published = RunFolder.List(Path.Combine(_clone, "results")).Count; // the committed runs the page lists

        // Each case measured in process, one iteration: seconds, and no build of the clone.
        string oneCase = "--filter *EncodeRequest*resnet50-tensor/memcpy*";
        AssertRunKeepsCommittedResults($"--job dry --inProcess {oneCase}", expectedExit: 0, RunStatus.Dry);
        AssertRunKeepsCommittedResults($"--inProcess --warmupCount 1 --iterationCount 2 {oneCase}", expectedExit: 0, RunStatus.Dry);

        // A port that accepts connections and closes them at once: the run's check that the server is there
        // passes, and the round trip itself fails. (Nothing listening at all is refused before the run starts.)
        using var notAServer = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        notAServer.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var connection = await notAServer.AcceptTcpClientAsync();
            }
        });
        int port = ((System.Net.IPEndPoint)notAServer.LocalEndpoint).Port;
        AssertRunKeepsCommittedResults(
            "--job dry --inProcess --filter *RoundTrip*Infer*triton-grpc-raw/resnet50-tensor*", expectedExit: 1, RunStatus.Failed,
            ("SERVINGBENCH_TRITON_GRPC", $"http://127.0.0.1:{port}"));

        Assert.Equal(published + 3, RunFolder.List(Path.Combine(_clone, "results")).Count);
    }

    private void AssertRunKeepsCommittedResults(string arguments, int expectedExit, RunStatus expectedStatus, params (string Name, string Value)[] environment)
    {
        var before = RunFolder.List(Path.Combine(_clone, "results")).Select(r => r.Id).ToHashSet();
        string app = Path.Combine(AppContext.BaseDirectory, "ServingBench.dll");
        int exit = Run("dotnet", $"\"{app}\" {arguments}", _clone, out string output, environment);
        Assert.True(exit == expectedExit, $"exit {exit} for {arguments}:\n{Tail(output)}");

        Assert.Equal(0, Run("git", "status --porcelain", _clone, out string status));
        Assert.True(status.Trim().Length == 0, $"{arguments} changed committed files:\n{status}");

        var added = RunFolder.List(Path.Combine(_clone, "results")).Where(r => !before.Contains(r.Id)).ToList();
        var run = Assert.Single(added);
        var manifest = run.ReadManifest();
        Assert.NotNull(manifest);
        Assert.Equal(expectedStatus, manifest.Status);
        Assert.NotNull(manifest.Git.Commit);
        Assert.Contains(manifest.Files, f => f.EndsWith("-report-full.json", StringComparison.Ordinal));
        Assert.Equal(manifest.Files.Distinct(StringComparer.Ordinal).Count(), manifest.Files.Count); // each report once
    }

    private static int Run(string fileName, string arguments, string directory, out string output, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        ChildEnvironment.SetServingBenchVariables(start, environment);

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string standard = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        output = standard + error.Result;
        return process.ExitCode;
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}
