using ServingBench.Payloads.Catalogue;
using System.Diagnostics;
using ServingBench.Emulators.Backends;
using ServingBench.Load;
using ServingBench.Reports.Charts;
using ServingBench.Reports.Load;
using ServingBench.ServerStatistics;
using ServingBench.Tests.Load;

namespace ServingBench.Tests.Statistics;

/// <summary>
/// Under concurrent load the counters read by the suite only grow, their parts add up (queue + compute within the
/// request's time), their counts equal the answered requests, and a load step's server columns agree with the engine
/// time the backend itself measured.
/// </summary>
public sealed class CountersUnderLoadTests
{
    /// <summary>Long enough that 6 users on 2 instances queue; short enough that the test stays quick.</summary>
    private static readonly TimeSpan EngineTime = TimeSpan.FromMilliseconds(15);

    [Theory]
    [InlineData("triton-grpc-raw")]
    [InlineData("triton-rest-binary")]
    [InlineData("torchserve-rest-raw")]
    [InlineData("tfserving-grpc-raw")]
    public async Task Counters_Only_Grow_Their_Parts_Fit_The_Request_And_Count_Every_Answer(string scenarioName)
    {
        var scenario = ScenarioCatalog.Scenarios.Single(s => s.Name == scenarioName);
        await using var servers = await StatisticsServers.StartAsync(scenario, new StallingBackend(new CannedBackend(), EngineTime), instances: 2);
        using var reader = StatisticsEndpoints.Reader(scenario.Framework, scenario.Protocol, servers.Servers.Address(scenario.Framework, scenario.Protocol),
            ModelCatalog.Resnet50.Name, scenario.Framework == Framework.Triton ? null : StatisticsPage(servers, scenario.Framework));
        var start = await reader.ReadAsync();

        // Snapshots taken while 6 users send: each must be at least the one before, field by field.
        var load = servers.SendAsync(users: 6, requestsEach: 8);
        var snapshots = new List<ServerCounters> { start };
        while (!load.IsCompleted)
        {
            snapshots.Add(await reader.ReadAsync());
        }

        int sent = await load;
        var end = await reader.ReadAsync();
        snapshots.Add(end);
        // TorchServe publishes no engine counter: the reader takes inference − queue latency, and a job taken from the
        // queue but not yet answered has counted its queue time only, so that difference may dip between answers (as on
        // the real server). The counters it is made of only grow.
        bool engineIsACounter = scenario.Framework != Framework.TorchServe;
        for (int i = 1; i < snapshots.Count; i++)
        {
            var (a, b) = (snapshots[i - 1], snapshots[i]);
            Assert.True(b.Requests >= a.Requests && b.RequestNs >= a.RequestNs && (b.QueueNs ?? 0) >= (a.QueueNs ?? 0) && (!engineIsACounter || b.EngineNs >= a.EngineNs),
                $"snapshot {i} went back: {a} then {b}");
        }

        var split = ServerSplit.Between(start, end)!;
        Assert.Equal(sent, split.Requests);

        // Every stage is a lap of the request's own clock, so together they fit inside it (µs rounding aside).
        double parts = (split.QueueUs ?? 0) + (split.ComputeInputUs ?? 0) + split.EngineUs + (split.ComputeOutputUs ?? 0);
        Assert.True(parts <= split.RequestUs + 1, $"queue + compute {parts:0.0} µs > request {split.RequestUs:0.0} µs");
        Assert.True(split.EngineUs >= EngineTime.TotalMicroseconds, $"engine {split.EngineUs:0.0} µs per request, each request took {EngineTime.TotalMicroseconds} µs in the backend");

        // Six users on two instances: most requests waited for one (TF Serving publishes no queue).
        if (split.QueueUs is { } queue)
        {
            Assert.True(queue > 0, "no request waited");
        }
    }

    [Fact]
    public async Task A_Load_Steps_Server_Columns_Agree_With_The_Backends_Own_Engine_Timing()
    {
        var scenario = ScenarioCatalog.TritonGrpcRaw;
        var timed = new ClockedBackend(new StallingBackend(new CannedBackend(), EngineTime));
        await using var servers = await StatisticsServers.StartAsync(scenario, timed, instances: 1);
        var reader = StatisticsEndpoints.Reader(scenario.Framework, scenario.Protocol, servers.Servers.Address(scenario.Framework, scenario.Protocol), ModelCatalog.Resnet50.Name);
        using var probe = new StepProbe(reader, serverProcessId: null);
        var timing = new LoadTiming { Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(1.5), Window = TimeSpan.FromMilliseconds(500), ExtraWindows = 0 };
        var runner = new LoadRunner(ct => servers.Client.InferAsync(servers.Request, ct), timing, probe: probe);

        var result = await runner.RunAsync(LoadStep.Closed(3), "test");
        var labels = new StepLabels(scenario.Name, "resnet50-tensor", "canned", "emulator (in process)", "full");
        var step = labels.Summarise(result, LoadStep.Closed(3), WorkerShare.Alone);

        // The backend's own mean over all its calls against the server's over the step's: both time the same calls.
        double ownMeanUs = timed.MeanMicroseconds;
        Assert.NotNull(step.ServerComputeInferUs);
        Assert.InRange(step.ServerComputeInferUs!.Value, ownMeanUs - 500, ownMeanUs + 500);

        // Three users on one instance queue behind each other: about two engine times each.
        Assert.True(step.ServerQueueUs > EngineTime.TotalMicroseconds, $"queue {step.ServerQueueUs} µs");
        Assert.True(step.ServerRequestUs < step.MeanUs, $"server request {step.ServerRequestUs} µs ≥ client latency {step.MeanUs} µs");
        Assert.Equal(step.MeanUs - step.ServerRequestUs!.Value, step.NetworkProtocolUs!.Value, 0.2);

        // The server counted the client's answers, give or take the users in flight when the step's snapshots were taken.
        Assert.InRange(step.ServerRequests!.Value, step.Requests - 3, step.Requests + 3);
        Assert.NotNull(step.ClientCpuUs);
        Assert.Null(step.ServerCpuUs); // the server shares this process: no figure of its own
        Assert.Contains(step.ServerStatistics!, LoadOutputs.Markdown([step]), StringComparison.Ordinal);
        string row = LoadOutputs.Csv([step]).Split('\n')[1];
        Assert.Equal(step.ServerQueueUs!.Value.ToString("0", System.Globalization.CultureInfo.InvariantCulture), row.Split(',')[4]);
        Assert.Equal(step.ServerComputeInferUs.Value.ToString("0", System.Globalization.CultureInfo.InvariantCulture), row.Split(',')[6]);
    }

    [Fact]
    public void A_Summary_Written_Before_The_Server_Columns_Still_Reads_With_Them_Empty()
    {
        string json = """{"steps":[{"scenario":"triton-grpc-raw","payload":"resnet50-tensor","backend":"onnx","target":"emulator (child process)","mode":"closed","users":1,"duration_s":20,"requests":80,"rps":4,"mean_us":250000}]}""";
        var step = Assert.Single(LoadSummary.FromJson(json).Steps);
        Assert.Null(step.ServerStatistics);
        Assert.Null(step.ServerRequestUs);
        Assert.Contains("|---:|---:|---:|", LoadOutputs.Markdown([step]), StringComparison.Ordinal);
        Assert.DoesNotContain("Where the time went", LoadOutputs.Markdown([step]), StringComparison.Ordinal);
        Assert.Null(LoadCharts.TimeSplit([step]));
    }

    private static Uri StatisticsPage(StatisticsServers servers, Framework framework) => servers.MetricsPage(framework);

    /// <summary>Times each call into the backend it wraps, as a test's own reference for the server's engine time.</summary>
    private sealed class ClockedBackend(IInferenceBackend inner) : IInferenceBackend
    {
        private long _calls;
        private long _ticks;

        public string Name => inner.Name;

        public double MeanMicroseconds => Interlocked.Read(ref _calls) is > 0 and var calls ? Interlocked.Read(ref _ticks) * 1e6 / Stopwatch.Frequency / calls : 0;

        public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                return await inner.InferAsync(model, request, cancellationToken);
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref _calls);
            }
        }
    }
}
