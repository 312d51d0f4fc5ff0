namespace ServingBench.Emulators.TorchServe;

/// <summary>
/// TorchServe's per-model job queue: <c>workers</c> jobs run at once, up to <c>queueSize</c> more wait, and a
/// job beyond that is refused at once (503) instead of queueing without bound.
/// </summary>
public sealed class BoundedJobQueue : IDisposable
{
    private readonly SemaphoreSlim _workers;
    private readonly int _capacity;
    private int _admitted;

    public BoundedJobQueue(int workers, int queueSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueSize);
        _workers = new SemaphoreSlim(workers, workers);
        _capacity = workers + queueSize;
        QueueSize = queueSize;
    }

    public int QueueSize { get; }

    /// <summary>Jobs admitted and not finished (running or waiting).</summary>
    public int Pending => Volatile.Read(ref _admitted);

    /// <summary>Runs <paramref name="job"/> when a worker is free; false (job not run) when the queue is full.</summary>
    public async Task<(bool Admitted, T Result)> TryRunAsync<T>(Func<Task<T>> job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return (false, default!);
        }

        try
        {
            await _workers.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return (true, await job().ConfigureAwait(false));
            }
            finally
            {
                _workers.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    public void Dispose() => _workers.Dispose();
}
