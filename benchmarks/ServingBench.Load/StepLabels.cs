using ServingBench.Reports.Load;

namespace ServingBench.Load;

/// <summary>What a step measured, beyond its load: the names summary.json and the file names carry.</summary>
public sealed record StepLabels(string Scenario, string Payload, string Backend, string Target, string? Client)
{
    public string Series => $"{Scenario}/{Payload}/{Backend}";

    /// <summary>The file name (no extension) of a step's interval log: the same for every worker, the worker appended.</summary>
    public static string FileStem(LoadStepSummary step)
    {
        ArgumentNullException.ThrowIfNull(step);
        string load = step.Mode == LoadStepSummary.Open
            ? FormattableString.Invariant($"rate{step.Rate:0.###}-{step.Arrival}")
            : FormattableString.Invariant($"users{step.Users}");
        string worker = step.Worker is null ? string.Empty : ".worker" + step.Worker.Replace("/", "of", StringComparison.Ordinal);
        return $"{step.Scenario}_{step.Payload}_{step.Backend}_{load}{worker}";
    }

    /// <summary>
    /// summary.json's entry for <paramref name="result"/>. Requests are successful answers; percentiles come from the
    /// latency histogram (from the scheduled send); requests/s over the measured time.
    /// </summary>
    public LoadStepSummary Summarise(StepResult result, LoadStep offered, WorkerShare worker)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(offered);
        var latency = result.Latency;
        var summary = Summarise(latency, result.Measured.TotalSeconds, result.Failures, result.Timeouts, result.LateSends, result.Stable);
        return WithServer(summary, result.Server) with
        {
            Mode = offered.IsOpen ? LoadStepSummary.Open : LoadStepSummary.Closed,
            Users = offered.IsOpen ? null : worker.Users(offered.Users!.Value),
            Rate = offered.IsOpen ? worker.Rate(offered.Rate!.Value) : null,
            Arrival = offered.IsOpen ? offered.Arrival!.Value.ToString().ToLowerInvariant() : null,
            Worker = worker.IsAlone ? null : worker.ToString(),
        };
    }

    /// <summary>The entry with the server's split (µs per request, rounded to 0.1) and the CPU figures beside its latency.</summary>
    private static LoadStepSummary WithServer(LoadStepSummary summary, StepServerFigures? server)
    {
        if (server is null)
        {
            return summary;
        }

        var split = server.Split;
        return summary with
        {
            ServerStatistics = server.Statistics,
            ServerRequests = split?.Requests,
            ServerRequestUs = Round(split?.RequestUs),
            ServerQueueUs = Round(split?.QueueUs),
            ServerComputeInputUs = Round(split?.ComputeInputUs),
            ServerComputeInferUs = Round(split?.EngineUs),
            ServerComputeOutputUs = Round(split?.ComputeOutputUs),
            ServerExecutions = split?.Executions,
            ServerMeanBatch = split?.MeanBatchRows is { } rows ? Math.Round(rows, 2) : null,
            ServerBatchSizes = split?.ExecutionsByBatchSize?.ToDictionary(b => b.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), b => b.Value),
            NetworkProtocolUs = split is null || summary.Requests == 0 ? null : Round(summary.MeanUs - split.RequestUs),
            ServerCpuUs = Round(server.ServerCpuUs),
            ClientCpuUs = Round(server.ClientCpuUs),
        };

        static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;
    }

    /// <summary>The load-independent part of an entry, from a latency histogram and the counts beside it.</summary>
    public LoadStepSummary Summarise(
        HdrHistogram.HistogramBase latency, double seconds, IReadOnlyDictionary<string, long> failures, long timeouts, long lateSends, bool stable)
    {
        ArgumentNullException.ThrowIfNull(latency);
        long count = latency.TotalCount;
        return new LoadStepSummary
        {
            Scenario = Scenario,
            Payload = Payload,
            Backend = Backend,
            Target = Target,
            Client = Client,
            Mode = LoadStepSummary.Closed,
            DurationSeconds = Math.Round(seconds, 3),
            Requests = count,
            Rps = seconds > 0 ? Math.Round(count / seconds, 2) : 0,
            MeanUs = count > 0 ? Math.Round(HdrHistogram.HistogramExtensions.GetMean(latency), 1) : 0,
            P50Us = Percentile(latency, 50),
            P90Us = Percentile(latency, 90),
            P95Us = Percentile(latency, 95),
            P99Us = Percentile(latency, 99),
            P999Us = Percentile(latency, 99.9),
            MaxUs = count > 0 ? HdrHistogram.HistogramExtensions.GetMaxValue(latency) : 0,
            Failures = new SortedDictionary<string, long>(failures.ToDictionary(), StringComparer.Ordinal),
            Timeouts = timeouts,
            LateSends = lateSends,
            Stable = stable,
        };
    }

    private static long Percentile(HdrHistogram.HistogramBase histogram, double percentile) =>
        histogram.TotalCount > 0 ? histogram.GetValueAtPercentile(percentile) : 0;
}
