using System.Diagnostics;

namespace ServingBench.Emulators.Statistics;

/// <summary>
/// One request's way through an emulator, stage by stage, in <see cref="Stopwatch"/> ticks: decode (what Triton calls
/// compute_input), the wait for a free model instance or worker (queue), the backend call (compute_infer), encode
/// (compute_output), and the whole request from the first decoded byte to the last encoded one.
/// </summary>
/// <remarks>
/// Each mark is one clock read. A class rather than a struct because async handlers hand it across awaits; one small
/// object per request beside the request's own buffers. The stages need not run in this order (Triton decodes before
/// it queues, TorchServe after), only each once.
/// </remarks>
public sealed class RequestTiming
{
    private readonly long _started;
    private long _mark;
    private int _executionRows;

    private RequestTiming(long started)
    {
        _started = started;
        _mark = started;
    }

    public long DecodeTicks { get; private set; }

    public long QueueTicks { get; private set; }

    public long EngineTicks { get; private set; }

    public long EncodeTicks { get; private set; }

    /// <summary>Rows in the request's first input (its batch); 1 unless the request says otherwise.</summary>
    public int BatchSize { get; set; }

    /// <summary>Rows of the model execution this request ran in: its own <see cref="BatchSize"/> unless a dynamic batcher merged it with others.</summary>
    public int ExecutionRows
    {
        get => _executionRows > 0 ? _executionRows : BatchSize;
        set => _executionRows = value;
    }

    /// <summary>
    /// True for exactly one request of each model execution (every request when nothing batches), so that counting the
    /// executions of answered requests counts each merged batch once (Triton's execution_count and batch_stats).
    /// </summary>
    public bool CountsExecution { get; set; } = true;

    /// <summary>Starts the clock: the request's bytes have arrived and the server starts on it.</summary>
    public static RequestTiming Start() => new(Stopwatch.GetTimestamp()) { BatchSize = 1 };

    public void Decoded() => DecodeTicks += Lap();

    public void Queued() => QueueTicks += Lap();

    public void Computed() => EngineTicks += Lap();

    public void Encoded() => EncodeTicks += Lap();

    /// <summary>The whole request so far (from <see cref="Start"/>).</summary>
    public long ElapsedTicks => Stopwatch.GetTimestamp() - _started;

    private long Lap()
    {
        long now = Stopwatch.GetTimestamp();
        long lap = now - _mark;
        _mark = now;
        return lap;
    }
}
