using System.Diagnostics;

namespace ServingBench.Emulators.Statistics;

/// <summary>A cumulative duration as Triton publishes it (<c>StatisticDuration</c>): how many, and their total nanoseconds.</summary>
public readonly record struct DurationTotal(long Count, long Nanoseconds);

/// <summary>The compute durations of the executions of one batch size (Triton's <c>InferBatchStatistics</c>).</summary>
public sealed record BatchTotals(int BatchSize, DurationTotal ComputeInput, DurationTotal ComputeInfer, DurationTotal ComputeOutput);

/// <summary>A model's counters at one moment; every field only grows.</summary>
public sealed record ModelTotals
{
    public required string Model { get; init; }

    /// <summary>Successful requests and their whole duration (decode to encoded answer).</summary>
    public DurationTotal Success { get; init; }

    /// <summary>Failed requests and the time they took until they failed.</summary>
    public DurationTotal Fail { get; init; }

    public DurationTotal Queue { get; init; }

    /// <summary>Request decoding into tensors (Triton's compute_input).</summary>
    public DurationTotal ComputeInput { get; init; }

    /// <summary>The backend call: the engine (Triton's compute_infer, TF Serving's runtime latency).</summary>
    public DurationTotal ComputeInfer { get; init; }

    /// <summary>Answer encoding (Triton's compute_output).</summary>
    public DurationTotal ComputeOutput { get; init; }

    /// <summary>Inferences: the batch rows of every successful request.</summary>
    public long InferenceCount { get; init; }

    /// <summary>Model executions: one per request, or one per merged batch when the server batches dynamically.</summary>
    public long ExecutionCount { get; init; }

    /// <summary>When the last successful request finished, milliseconds since the Unix epoch; 0 before any.</summary>
    public long LastInferenceMs { get; init; }

    /// <summary>Per execution batch size (rows of the execution, merged or not): how many executions and their compute durations.</summary>
    public IReadOnlyList<BatchTotals> Batches { get; init; } = [];
}

/// <summary>
/// The running totals of one served model, added to by concurrent requests without locks (one <see cref="Interlocked"/>
/// add per field). Readers take a <see cref="Snapshot"/>; fields are read one by one, so a snapshot taken while
/// requests finish may hold one more request in one field than in another, which is why counts and durations are only
/// ever compared across snapshots taken at quiet moments or summed over many requests.
/// </summary>
public sealed class ModelCounters(string model)
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly Lock _batchesLock = new();
    private readonly Dictionary<int, BatchCounters> _batches = [];
    private long _successCount, _successNs, _failCount, _failNs;
    private long _queueNs, _inputNs, _inferNs, _outputNs;
    private long _inferences, _executions, _lastInferenceMs;

    public string Model { get; } = model;

    /// <summary>A request answered: every stage of <paramref name="timing"/> and its whole duration.</summary>
    public void RecordSuccess(RequestTiming timing)
    {
        long total = Nanoseconds(timing.ElapsedTicks);
        long input = Nanoseconds(timing.DecodeTicks);
        long infer = Nanoseconds(timing.EngineTicks);
        long output = Nanoseconds(timing.EncodeTicks);
        Interlocked.Add(ref _queueNs, Nanoseconds(timing.QueueTicks));
        Interlocked.Add(ref _inputNs, input);
        Interlocked.Add(ref _inferNs, infer);
        Interlocked.Add(ref _outputNs, output);
        Interlocked.Add(ref _inferences, Math.Max(1, timing.BatchSize));
        Interlocked.Add(ref _successNs, total);
        Interlocked.Exchange(ref _lastInferenceMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (timing.CountsExecution)
        {
            // A merged batch is one execution, counted once under its whole size; its requests still count one success each.
            Batch(Math.Max(1, timing.ExecutionRows)).Add(input, infer, output);
            Interlocked.Increment(ref _executions);
        }

        // The count last: a reader that sees the count has seen the durations it covers (or more).
        Interlocked.Increment(ref _successCount);
    }

    /// <summary>A request refused or failed after <paramref name="timing"/> started.</summary>
    public void RecordFailure(RequestTiming timing)
    {
        Interlocked.Add(ref _failNs, Nanoseconds(timing.ElapsedTicks));
        Interlocked.Increment(ref _failCount);
    }

    public ModelTotals Snapshot()
    {
        long successCount = Volatile.Read(ref _successCount);
        BatchTotals[] batches;
        lock (_batchesLock)
        {
            batches = [.. _batches.OrderBy(b => b.Key).Select(b => b.Value.Totals(b.Key))];
        }

        return new ModelTotals
        {
            Model = Model,
            Success = new DurationTotal(successCount, Volatile.Read(ref _successNs)),
            Fail = new DurationTotal(Volatile.Read(ref _failCount), Volatile.Read(ref _failNs)),
            Queue = new DurationTotal(successCount, Volatile.Read(ref _queueNs)),
            ComputeInput = new DurationTotal(successCount, Volatile.Read(ref _inputNs)),
            ComputeInfer = new DurationTotal(successCount, Volatile.Read(ref _inferNs)),
            ComputeOutput = new DurationTotal(successCount, Volatile.Read(ref _outputNs)),
            InferenceCount = Volatile.Read(ref _inferences),
            ExecutionCount = Volatile.Read(ref _executions),
            LastInferenceMs = Volatile.Read(ref _lastInferenceMs),
            Batches = batches,
        };
    }

    private BatchCounters Batch(int size)
    {
        lock (_batchesLock)
        {
            if (!_batches.TryGetValue(size, out var counters))
            {
                counters = new BatchCounters();
                _batches[size] = counters;
            }

            return counters;
        }
    }

    private static long Nanoseconds(long ticks) => (long)(ticks * NanosecondsPerTick);

    private sealed class BatchCounters
    {
        private long _count, _inputNs, _inferNs, _outputNs;

        public void Add(long input, long infer, long output)
        {
            Interlocked.Add(ref _inputNs, input);
            Interlocked.Add(ref _inferNs, infer);
            Interlocked.Add(ref _outputNs, output);
            Interlocked.Increment(ref _count);
        }

        public BatchTotals Totals(int size)
        {
            long count = Volatile.Read(ref _count);
            return new BatchTotals(size, new(count, Volatile.Read(ref _inputNs)), new(count, Volatile.Read(ref _inferNs)), new(count, Volatile.Read(ref _outputNs)));
        }
    }
}
