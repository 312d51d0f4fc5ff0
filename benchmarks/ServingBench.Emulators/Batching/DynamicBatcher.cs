namespace ServingBench.Emulators.Batching;

/// <summary>A request the batcher refused because its queue already holds <see cref="BatchingPolicy.MaxQueuedRows"/> rows.</summary>
public sealed class BatchQueueFullException(long queuedRows) : Exception($"the batch queue holds {queuedRows} rows")
{
    public long QueuedRows { get; } = queuedRows;
}

/// <summary>
/// A server's dynamic batcher for one queue (one model, one input shape): requests wait in arrival order; when an
/// executor (a model instance, a worker) is free, the batcher takes the longest prefix of the queue that fits in
/// <see cref="BatchingPolicy.MaxBatchSize"/> rows, as soon as the prefix is full, reaches a preferred size, or the
/// oldest request has waited <see cref="BatchingPolicy.MaxQueueDelay"/>. The batch runs as one call of the execute
/// function, whose results go back to the requests in order. While every executor is busy requests keep queueing, so
/// batches grow with load even with a zero delay (as Triton's and TorchServe's do).
/// </summary>
/// <remarks>
/// Time comes from the injected <see cref="TimeProvider"/>, so tests drive the delay on a virtual clock. One
/// dispatcher loop runs while the queue holds requests and ends when it empties, so an idle queue costs no thread and
/// no timer; nothing needs disposing.
/// </remarks>
public sealed class DynamicBatcher<TItem, TResult>
{
    private readonly BatchingPolicy _policy;
    private readonly Func<CancellationToken, ValueTask<IDisposable>> _enterExecutor;
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _execute;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<Pending> _queue = [];
    private long _queuedRows;
    private bool _dispatching;
    private TaskCompletionSource _arrival = NewSignal();

    /// <param name="policy">Sizes and delay.</param>
    /// <param name="enterExecutor">Waits for a free executor; disposing the result frees it (shared by the batchers of one model).</param>
    /// <param name="execute">Runs one batch; returns one result per item, in order. An exception fails every item of the batch.</param>
    /// <param name="time">The clock the delay is measured on.</param>
    public DynamicBatcher(
        BatchingPolicy policy, Func<CancellationToken, ValueTask<IDisposable>> enterExecutor,
        Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> execute, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        _policy = policy;
        _enterExecutor = enterExecutor ?? throw new ArgumentNullException(nameof(enterExecutor));
        _execute = execute ?? throw new ArgumentNullException(nameof(execute));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Rows waiting for a batch now.</summary>
    public long QueuedRows
    {
        get
        {
            lock (_lock)
            {
                return _queuedRows;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="item"/> (<paramref name="rows"/> rows, at most the maximum batch) and completes with its
    /// share of the batch it ran in. Throws <see cref="BatchQueueFullException"/> at once when the queue is full.
    /// Cancelling removes a request still queued; one already taken into a batch finishes with it.
    /// </summary>
    public Task<TResult> SubmitAsync(TItem item, int rows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, _policy.MaxBatchSize);
        var pending = new Pending(item, rows, _time.GetTimestamp());
        TaskCompletionSource arrival;
        bool startDispatcher;
        lock (_lock)
        {
            if (_queuedRows + rows > _policy.MaxQueuedRows)
            {
                throw new BatchQueueFullException(_queuedRows);
            }

            _queue.Add(pending);
            _queuedRows += rows;
            arrival = _arrival;
            _arrival = NewSignal();
            startDispatcher = !_dispatching;
            _dispatching = true;
        }

        arrival.TrySetResult();
        if (startDispatcher)
        {
            _ = Task.Run(DispatchAsync, CancellationToken.None);
        }

        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(() => Withdraw(pending, cancellationToken));
        }

        return pending.Completion.Task;
    }

    /// <summary>
    /// How many requests at the head of the queue form a batch now; 0: keep waiting. <paramref name="rows"/> holds each
    /// queued request's rows in arrival order; <paramref name="oldestWaited"/> is how long the first has waited.
    /// </summary>
    public static int RequestsToTake(IReadOnlyList<int> rows, TimeSpan oldestWaited, BatchingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(policy);
        int fitting = 0;
        int fittingRows = 0;
        int preferredTake = 0;
        while (fitting < rows.Count && fittingRows + rows[fitting] <= policy.MaxBatchSize)
        {
            fittingRows += rows[fitting];
            fitting++;
            if (policy.PreferredBatchSizes.Contains(fittingRows))
            {
                preferredTake = fitting;
            }
        }

        bool full = fittingRows == policy.MaxBatchSize || fitting < rows.Count;
        if (full)
        {
            return fitting;
        }

        if (preferredTake > 0)
        {
            // Triton forms the largest preferred size the queue holds at once rather than wait out the delay.
            return preferredTake;
        }

        return oldestWaited >= policy.MaxQueueDelay ? fitting : 0;
    }

    private async Task DispatchAsync()
    {
        while (true)
        {
            var executor = await _enterExecutor(CancellationToken.None).ConfigureAwait(false);
            List<Pending>? batch;
            try
            {
                batch = await FormBatchAsync().ConfigureAwait(false);
            }
            catch
            {
                executor.Dispose();
                throw;
            }

            if (batch is null)
            {
                executor.Dispose();
                return;
            }

            // The batch runs on its own so the next executor can start forming the next batch meanwhile.
            _ = Task.Run(() => RunAsync(batch, executor), CancellationToken.None);
        }
    }

    /// <summary>Waits until the queue's head forms a batch and takes it; null when the queue emptied (the dispatcher ends).</summary>
    private async Task<List<Pending>?> FormBatchAsync()
    {
        while (true)
        {
            Task arrival;
            TimeSpan untilDeadline;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _dispatching = false;
                    return null;
                }

                var waited = _time.GetElapsedTime(_queue[0].EnqueuedAt);
                int take = RequestsToTake(_queue.ConvertAll(p => p.Rows), waited, _policy);
                if (take > 0)
                {
                    var batch = _queue.GetRange(0, take);
                    _queue.RemoveRange(0, take);
                    foreach (var pending in batch)
                    {
                        _queuedRows -= pending.Rows;
                        pending.Taken = true;
                    }

                    return batch;
                }

                arrival = _arrival.Task;
                untilDeadline = _policy.MaxQueueDelay - waited;
            }

            // Wake on the next arrival (the batch may now be full) or when the oldest request's delay runs out.
            using var stopTimer = new CancellationTokenSource();
            var deadline = Task.Delay(untilDeadline, _time, stopTimer.Token);
            await Task.WhenAny(arrival, deadline).ConfigureAwait(false);
            await stopTimer.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync(List<Pending> batch, IDisposable executor)
    {
        try
        {
            var results = await _execute([.. batch.Select(p => p.Item)]).ConfigureAwait(false);
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"a batch of {batch.Count} requests returned {results.Count} results");
            }

            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex);
            }
        }
        finally
        {
            executor.Dispose();
            foreach (var pending in batch)
            {
                pending.Registration.Dispose();
            }
        }
    }

    private void Withdraw(Pending pending, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (pending.Taken || !_queue.Remove(pending))
            {
                return;
            }

            _queuedRows -= pending.Rows;
        }

        pending.Completion.TrySetCanceled(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Pending(TItem item, int rows, long enqueuedAt)
    {
        public TItem Item { get; } = item;

        public int Rows { get; } = rows;

        public long EnqueuedAt { get; } = enqueuedAt;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set under the batcher's lock when the request joins a batch; it can no longer be withdrawn.</summary>
        public bool Taken { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
