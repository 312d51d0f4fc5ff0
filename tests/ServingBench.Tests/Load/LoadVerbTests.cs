using System.Diagnostics;
using ServingBench.Emulators;
using ServingBench.Load;
using ServingBench.Reports.Load;
using ServingBench.Verbs;

namespace ServingBench.Tests.Load;

/// <summary>The load verb end to end: a REST and a gRPC scenario against the child emulator, bad input, workers merged.</summary>
public sealed class LoadVerbTests() : TemporaryFolderTest("servingbench-load-")
{
    /// <summary>This app as a command the tests can start (its dll sits beside the tests).</summary>
    private static readonly string[] AppCommand = ["dotnet", typeof(LoadVerb).Assembly.Location];

    [Fact]
    public async Task A_Rest_And_A_Grpc_Scenario_Against_The_Child_Emulator_Leave_Every_Output()
    {
        var plan = Plan("torchserve-rest-raw,triton-grpc-raw", users: "1,3", output: Folder);
        int exit = await LoadSession.RunAsync(plan, TextWriter.Null, CancellationToken.None, AppCommand);

        Assert.Equal(0, exit);
        var steps = LoadSummary.Read(Path.Combine(Folder, LoadOutputs.SummaryJson)).Steps;
        Assert.Equal(4, steps.Count);
        Assert.All(steps, s =>
        {
            Assert.Equal("emulator (child process)", s.Target);
            Assert.Equal("full", s.Client);
            Assert.True(s.Requests > 0 && s.Rps > 0 && s.P50Us > 0 && s.P99Us >= s.P50Us && s.MaxUs >= s.P99Us, s.ToString());
            Assert.Empty(s.Failures);
            Assert.True(File.Exists(Path.Combine(Folder, StepLabels.FileStem(s) + IntervalLog.Extension)));
        });
        Assert.Equal([1, 3, 1, 3], steps.Select(s => s.Users ?? 0));
        string csv = File.ReadAllText(Path.Combine(Folder, LoadOutputs.PerfAnalyzerCsv));
        Assert.StartsWith("Concurrency,Inferences/Second,Client Send,", csv, StringComparison.Ordinal);
        Assert.Contains("p99 latency", csv, StringComparison.Ordinal);
        foreach (string chart in new[] { "rps", "latency", "percentiles", "scenarios" })
        {
            Assert.True(File.Exists(Path.Combine(Folder, chart + ".png")) && File.Exists(Path.Combine(Folder, chart + ".svg")), chart);
        }
    }

    [Fact]
    public async Task Server_Statistics_Off_Reads_None_And_Leaves_The_Server_Columns_Empty()
    {
        var on = Plan("triton-grpc-raw", users: "2", output: Path.Combine(Folder, "on"));
        var off = Plan("triton-grpc-raw", users: "2", output: Path.Combine(Folder, "off"), serverStatistics: "off");

        Assert.Equal(0, await LoadSession.RunAsync(on, TextWriter.Null, CancellationToken.None, AppCommand));
        Assert.Equal(0, await LoadSession.RunAsync(off, TextWriter.Null, CancellationToken.None, AppCommand));

        var read = Assert.Single(LoadSummary.Read(Path.Combine(Folder, "on", LoadOutputs.SummaryJson)).Steps);
        var unread = Assert.Single(LoadSummary.Read(Path.Combine(Folder, "off", LoadOutputs.SummaryJson)).Steps);
        Assert.NotNull(read.ServerRequestUs);
        Assert.Null(unread.ServerStatistics);
        Assert.Null(unread.ServerRequestUs);
        Assert.True(unread.Requests > 0, unread.ToString());
    }

    [Theory]
    [InlineData("torchserve-rest-raw")]
    [InlineData("triton-grpc-raw")]
    public async Task The_Lean_Client_Runs_A_Scenario_With_No_Failures(string scenario)
    {
        var plan = Plan(scenario, users: "3", output: Folder, client: "lean");
        int exit = await LoadSession.RunAsync(plan, TextWriter.Null, CancellationToken.None, AppCommand);

        Assert.Equal(0, exit);
        var step = Assert.Single(LoadSummary.Read(Path.Combine(Folder, LoadOutputs.SummaryJson)).Steps);
        Assert.True(step.Requests > 0 && step.P99Us > 0, step.ToString());
        Assert.Empty(step.Failures);
        Assert.Equal("lean", step.Client);
        Assert.Contains("client lean", File.ReadAllText(Path.Combine(Folder, LoadOutputs.SummaryMarkdown)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Child_Server_Is_Stopped_When_Disposed()
    {
        int pid;
        using (var child = await ChildServer.StartAsync(["--framework", "triton"], AppCommand))
        {
            pid = child.ProcessId;
            Assert.Equal(System.Uri.UriSchemeHttp, child.Address(Framework.Triton, Protocol.Grpc).Scheme);
        }

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid).WaitForExit(2000));
    }

    [Theory]
    [InlineData("--scenario", "nope-rest-json", "--scenario: 'nope-rest-json' matches no scenario")]
    [InlineData("--payload", "gpt-text", "--payload: unknown payload 'gpt-text'")]
    [InlineData("--backend", "tensorrt", "--backend: unknown backend 'tensorrt'")]
    [InlineData("--rate", "0", "--rate '0' must be a number greater than 0")]
    [InlineData("--rate", "-5", "--rate '-5' must be a number greater than 0")]
    [InlineData("--duration", "50ms", "--duration 0.05s is too short for one measurement window")]
    [InlineData("--duration", "soon", "--duration 'soon' is not a duration")]
    [InlineData("--target", "ftp://x", "--target 'ftp://x' is not an http:// or https:// address")]
    [InlineData("--worker", "3/2", "--worker '3/2' is not i/N")]
    [InlineData("--client", "fast", "--client 'fast' is not one of full, lean")]
    [InlineData("--client lean --target", "https://127.0.0.1:1", "--client lean speaks cleartext HTTP/1.1 and HTTP/2 only, and --target 'https://127.0.0.1:1' is https")]
    [InlineData("--slo", "p99<250", "--slo 'p99<250': a latency needs a unit: us, ms or s")]
    [InlineData("--slo", "p99 below 250ms", "--slo 'p99 below 250ms' is not an objective such as p99<250ms")]
    [InlineData("--server-statistics", "maybe", "--server-statistics 'maybe' is not on or off")]
    public void Bad_Input_Is_One_Line_Naming_The_Option(string option, string value, string expected)
    {
        var ex = Assert.Throws<LoadInputException>(() => option switch
        {
            "--scenario" => Plan(value),
            "--payload" => Plan("triton-grpc-raw", payload: value),
            "--backend" => Plan("triton-grpc-raw", backend: value),
            "--rate" => Plan("triton-grpc-raw", rate: value),
            "--duration" => Plan("triton-grpc-raw", duration: value),
            "--target" => Plan("triton-grpc-raw", target: value),
            "--client" => Plan("triton-grpc-raw", client: value),
            "--client lean --target" => Plan("triton-grpc-raw", target: value, client: "lean"),
            "--slo" => Plan("triton-grpc-raw", slo: value),
            "--server-statistics" => Plan("triton-grpc-raw", serverStatistics: value),
            _ => Plan("triton-grpc-raw", worker: value),
        });
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void The_Verb_Exits_Non_Zero_On_Bad_Input()
    {
        Assert.NotEqual(0, AppVerbs.Run(["load", "--scenario", "nope", "--output", Folder]));
        Assert.NotEqual(0, AppVerbs.Run(["load", "--scenario", "triton-grpc-raw", "--rate", "0", "--output", Folder]));
        Assert.Equal(2, AppVerbs.Run(["load", "--scenario", "triton-grpc-raw", "--slo", "p99<<1ms", "--output", Folder]));
    }

    [Fact]
    public async Task A_Missed_Objective_Exits_3_And_A_Met_One_0_With_Verdicts_In_The_Summary()
    {
        // No loopback round trip answers within a microsecond, and every one within a minute: both verdicts are certain.
        string missed = Path.Combine(Folder, "missed");
        var output = new StringWriter();
        int exit = await LoadSession.RunAsync(Plan("triton-grpc-raw", users: "1,2", output: missed, slo: "p99<1us,failures<1%"), output, CancellationToken.None, AppCommand);

        Assert.Equal(LoadVerb.ObjectiveMissed, exit);
        Assert.Contains("triton-grpc-raw/bart-text/canned: no step meets p99 < 1 us and failures < 1%", output.ToString(), StringComparison.Ordinal);
        var summary = LoadSummary.Read(Path.Combine(missed, LoadOutputs.SummaryJson));
        Assert.False(Assert.Single(summary.Slo!.Series).Met);
        Assert.All(summary.Steps, s => Assert.Equal([false, true], s.Objectives!.Select(o => o.Met)));
        Assert.Contains("**missed** p99<1us (was ", File.ReadAllText(Path.Combine(missed, LoadOutputs.SummaryMarkdown)), StringComparison.Ordinal);

        string met = Path.Combine(Folder, "met");
        exit = await LoadSession.RunAsync(Plan("triton-grpc-raw", users: "1,2", output: met, slo: "p99<60s"), TextWriter.Null, CancellationToken.None, AppCommand);

        Assert.Equal(0, exit);
        var series = Assert.Single(LoadSummary.Read(Path.Combine(met, LoadOutputs.SummaryJson)).Slo!.Series);
        Assert.Equal(2, series.HighestLoadMet);
        Assert.Contains("the most users at which p99 < 60 s: 2 users", File.ReadAllText(Path.Combine(met, LoadOutputs.SummaryMarkdown)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Unreachable_Target_Is_A_Setup_Error_Not_A_Run_Of_Failures()
    {
        var plan = Plan("triton-grpc-raw", target: "http://127.0.0.1:9", output: Folder);
        var ex = await Assert.ThrowsAsync<LoadInputException>(() => LoadSession.RunAsync(plan, TextWriter.Null, CancellationToken.None));
        Assert.Contains("cannot reach", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--target", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_Worker_Processes_Merge_Into_One_Result()
    {
        await using var servers = await EmulatedServers.StartAsync(new EmulatorOptions(), [Framework.Triton]);
        string target = servers.Address(Framework.Triton, Protocol.Grpc).ToString();
        string startAt = DateTimeOffset.UtcNow.AddSeconds(4).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        string[] outputs = [Path.Combine(Folder, "w0"), Path.Combine(Folder, "w1")];
        var workers = outputs.Select((output, i) => Process.Start(new ProcessStartInfo(AppCommand[0])
        {
            ArgumentList =
            {
                AppCommand[1], "load", "--scenario", "triton-grpc-raw", "--payload", "bart-text", "--users", "4",
                "--duration", "1s", "--warmup", "200ms", "--target", target, "--worker", $"{i}/2", "--start-at", startAt, "--output", output,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!).ToArray();
        foreach (var worker in workers)
        {
            using (worker)
            {
                string stderr = await worker.StandardError.ReadToEndAsync();
                await worker.StandardOutput.ReadToEndAsync();
                await worker.WaitForExitAsync();
                Assert.True(worker.ExitCode == 0, stderr);
            }
        }

        string merged = Path.Combine(Folder, "merged");
        Assert.Equal(0, AppVerbs.Run(["load", "merge", outputs[0], outputs[1], "--output", merged]));

        var shares = outputs.Select(o => LoadSummary.Read(Path.Combine(o, LoadOutputs.SummaryJson)).Steps.Single()).ToArray();
        var whole = LoadSummary.Read(Path.Combine(merged, LoadOutputs.SummaryJson)).Steps.Single();
        Assert.Equal(["0/2", "1/2"], shares.Select(s => s.Worker));
        Assert.Equal([2, 2], shares.Select(s => s.Users ?? 0));
        Assert.Equal(4, whole.Users);
        Assert.Null(whole.Worker);
        Assert.Equal("full", whole.Client);
        Assert.Equal(shares.Sum(s => s.Requests), whole.Requests);
        Assert.InRange(whole.P99Us, shares.Min(s => s.P99Us), shares.Max(s => s.P99Us));
    }

    private static LoadPlan Plan(
        string scenario, string payload = "bart-text", string backend = "canned", string? users = "2", string? rate = null,
        string duration = "1s", string? target = null, string? worker = null, string? output = null, string client = "full", string? slo = null,
        string serverStatistics = "on") =>
        LoadPlan.From(new LoadOptions
        {
            Scenarios = scenario,
            Payloads = payload,
            Backend = backend,
            Users = rate is null ? users : null,
            Rates = rate,
            Duration = duration,
            Warmup = "200ms",
            Timeout = "10s",
            ExtraWindows = 0,
            Target = target,
            Worker = worker,
            Output = output,
            Client = client,
            Slo = slo,
            ServerStatistics = serverStatistics,
        });
}
