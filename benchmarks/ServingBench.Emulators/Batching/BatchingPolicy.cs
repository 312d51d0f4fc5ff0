namespace ServingBench.Emulators.Batching;

/// <summary>
/// How one server merges requests, in its own terms (docs/dynamic-batching.md maps every framework's setting here):
/// the largest batch in rows, how long the oldest queued request may wait for company, the sizes worth forming at
/// once, and how many rows may wait before a request is refused.
/// </summary>
/// <param name="MaxBatchSize">Most rows in one execution (Triton max_batch_size, TorchServe batch_size, TF Serving max_batch_size).</param>
/// <param name="MaxQueueDelay">Longest the oldest queued request waits for a fuller batch (Triton max_queue_delay_microseconds,
/// TorchServe max_batch_delay, TF Serving batch_timeout_micros); zero: run whatever is queued when an executor is free.</param>
/// <param name="PreferredBatchSizes">Triton's preferred_batch_size: a batch of one of these sizes is formed as soon as the
/// queue holds it, without waiting out the delay; empty: only <paramref name="MaxBatchSize"/> ends the wait early.</param>
/// <param name="MaxQueuedRows">Rows that may wait before a new request is refused (TF Serving max_enqueued_batches ×
/// max_batch_size); null: unbounded, as Triton's default queue policy.</param>
public sealed record BatchingPolicy(int MaxBatchSize, TimeSpan MaxQueueDelay, IReadOnlyList<int> PreferredBatchSizes, long? MaxQueuedRows = null)
{
    /// <summary>Throws when the settings cannot describe a batcher; the <c>serve</c> options refuse such values first, by name.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueueDelay, TimeSpan.Zero);
        foreach (int preferred in PreferredBatchSizes)
        {
            if (preferred < 1 || preferred > MaxBatchSize)
            {
                throw new ArgumentOutOfRangeException(nameof(PreferredBatchSizes), preferred, $"a preferred batch size must be between 1 and the maximum ({MaxBatchSize})");
            }
        }

        if (MaxQueuedRows is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedRows), MaxQueuedRows, "must be at least 1");
        }
    }
}
