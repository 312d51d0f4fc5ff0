namespace ServingBench.Emulators.TorchServe;

/// <summary>
/// TorchServe's per-model job queue: <c>workers</c> jobs run at once, up to <c>queueSize</c> more wait, and a
/// job beyond that is refused at once (503) instead of queueing without bound. With server batching a worker takes
/// up to <c>batchSize</c> jobs at a time, so that many per worker are out of the queue while they run.
/// </summary>
public sealed class BoundedJobQueue : IDisposable
{
    private readonly SemaphoreSlim _workers;
    private readonly int _capacity;
    private int _admitted;

    public BoundedJobQueue(int workers, int queueSize, int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _workers = new SemaphoreSlim(workers, workers);
        _capacity = (workers * batchSize) + queueSize;
        QueueSize = queueSize;
    }

    public int QueueSize { get; }

    /// <summary>Jobs admitted and not finished (running or waiting).</summary>
    public int Pending => Volatile.Read(ref _admitted);

    /// <summary>Runs <paramref name="job"/> when a worker is free; false (job not run) when the queue is full.</summary>
    public Task<(bool Admitted, T Result)> TryRunAsync<T>(Func<Task<T>> job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return TryAdmitAsync(async () =>
        {
            using var worker = await EnterWorkerAsync(cancellationToken).ConfigureAwait(false);
            return await job().ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Runs <paramref name="job"/> at once if the queue has room, without a worker: the job takes one itself through
    /// <see cref="EnterWorkerAsync"/> (with server batching, one worker runs a whole batch of jobs). False when full.
    /// </summary>
    public async Task<(bool Admitted, T Result)> TryAdmitAsync<T>(Func<Task<T>> job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return (false, default!);
        }

        try
        {
            return (true, await job().ConfigureAwait(false));
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    /// <summary>Waits for a free worker; dispose the result to free it.</summary>
    public async ValueTask<IDisposable> EnterWorkerAsync(CancellationToken cancellationToken)
    {
        await _workers.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Worker(_workers);
    }

    public void Dispose() => _workers.Dispose();

    private sealed class Worker(SemaphoreSlim workers) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                workers.Release();
            }
        }
    }
}
