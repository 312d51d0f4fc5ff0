namespace ServingBench.ServerStatistics;

/// <summary>
/// One model's cumulative counters as a server published them at one moment, in nanoseconds, mapped onto one
/// vocabulary: requests answered, the whole request in the server, queue, and the three compute stages. A framework
/// that does not split a stage leaves it null (TF Serving has no queue; only Triton splits compute input and output).
/// </summary>
/// <param name="Requests">Requests the server counted as answered (Triton success.count, TorchServe ts_inference_requests_total, TF Serving request_latency_count).</param>
/// <param name="RequestNs">Their whole time in the server.</param>
/// <param name="EngineNs">The model's part: Triton compute_infer, TorchServe inference minus queue latency, TF Serving runtime latency.</param>
public sealed record ServerCounters(long Requests, double RequestNs, double? QueueNs, double? ComputeInputNs, double EngineNs, double? ComputeOutputNs)
{
    /// <summary>Inferences (batch rows) and model executions (Triton inference_count, execution_count); null where the server publishes none.</summary>
    public (long Inferences, long Executions)? Executions { get; init; }

    /// <summary>Executions per batch size (Triton batch_stats, compute_infer.count per batch_size); null where the server publishes none.</summary>
    public IReadOnlyDictionary<int, long>? ExecutionsByBatchSize { get; init; }
}

/// <summary>
/// What the server spent per request between two snapshots, in microseconds: the split a client's latency is read
/// against (latency − <see cref="RequestUs"/> = network + protocol + client).
/// </summary>
public sealed record ServerSplit(long Requests, double RequestUs, double? QueueUs, double? ComputeInputUs, double EngineUs, double? ComputeOutputUs)
{
    /// <summary>Model executions between the snapshots: one per request without batching, fewer when the server merged requests.</summary>
    public long? Executions { get; init; }

    /// <summary>Rows per execution between the snapshots (Δinference_count / Δexecution_count): the batch the server actually formed.</summary>
    public double? MeanBatchRows { get; init; }

    /// <summary>Executions per batch size between the snapshots (sizes with none left out).</summary>
    public IReadOnlyDictionary<int, long>? ExecutionsByBatchSize { get; init; }

    /// <summary>The server's time outside queue and compute: decode and encode where the framework does not count them as compute, and its own overhead.</summary>
    public double OtherUs => Math.Max(0, RequestUs - (QueueUs ?? 0) - (ComputeInputUs ?? 0) - EngineUs - (ComputeOutputUs ?? 0));

    /// <summary>The per-request deltas from <paramref name="before"/> to <paramref name="after"/>; null when no request was answered between them.</summary>
    public static ServerSplit? Between(ServerCounters before, ServerCounters after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        long requests = after.Requests - before.Requests;
        if (requests <= 0)
        {
            return null;
        }

        double PerRequest(double later, double earlier) => (later - earlier) / requests / 1000;
        double? Optional(double? later, double? earlier) => later is { } l && earlier is { } e ? PerRequest(l, e) : null;
        long? executions = after.Executions is { } a && before.Executions is { } b ? a.Executions - b.Executions : null;
        long? inferences = after.Executions is { } a2 && before.Executions is { } b2 ? a2.Inferences - b2.Inferences : null;
        return new ServerSplit(
            requests,
            PerRequest(after.RequestNs, before.RequestNs),
            Optional(after.QueueNs, before.QueueNs),
            Optional(after.ComputeInputNs, before.ComputeInputNs),
            PerRequest(after.EngineNs, before.EngineNs),
            Optional(after.ComputeOutputNs, before.ComputeOutputNs))
        {
            Executions = executions,
            MeanBatchRows = executions > 0 ? (double)inferences!.Value / executions.Value : null,
            ExecutionsByBatchSize = BatchDeltas(before.ExecutionsByBatchSize, after.ExecutionsByBatchSize),
        };
    }

    private static SortedDictionary<int, long>? BatchDeltas(IReadOnlyDictionary<int, long>? before, IReadOnlyDictionary<int, long>? after)
    {
        if (after is null || before is null)
        {
            return null;
        }

        var deltas = new SortedDictionary<int, long>();
        foreach (var (size, count) in after)
        {
            long delta = count - before.GetValueOrDefault(size);
            if (delta > 0)
            {
                deltas[size] = delta;
            }
        }

        return deltas;
    }
}

/// <summary>A server's statistics could not be read; the message is one line naming what was tried and why it failed.</summary>
public sealed class StatisticsUnavailableException : Exception
{
    public StatisticsUnavailableException(string message)
        : base(message)
    {
    }

    public StatisticsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StatisticsUnavailableException()
    {
    }
}
