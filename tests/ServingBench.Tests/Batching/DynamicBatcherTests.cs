using System.Collections.Concurrent;
using ServingBench.Emulators.Batching;

namespace ServingBench.Tests.Batching;

/// <summary>
/// The dynamic batcher on a virtual clock: a batch forms when it is full, reaches a preferred size, or its oldest
/// request has waited exactly the delay; it never holds more rows than the maximum; each request gets its own result.
/// </summary>
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Forever = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(new[] { 1, 1 }, 0, 0)] // not full, no preferred size, delay not over: wait
    [InlineData(new[] { 1, 1 }, 2, 2)] // delay over: take what fits
    [InlineData(new[] { 2, 2 }, 0, 2)] // exactly full: at once
    [InlineData(new[] { 3, 3 }, 0, 1)] // the next one does not fit: the batch is as full as it gets
    [InlineData(new[] { 1, 2, 1, 1 }, 0, 3)] // prefix of 4 rows
    public void Takes_The_Longest_Prefix_That_Fits_When_Full_Or_Late(int[] rows, int waitedMs, int expected)
    {
        var policy = new BatchingPolicy(4, Delay, []);
        Assert.Equal(expected, DynamicBatcher<int, int>.RequestsToTake(rows, TimeSpan.FromMilliseconds(waitedMs), policy));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1 }, 2)] // largest preferred size the queue holds
    [InlineData(new[] { 1 }, 0)] // none reached yet: wait
    [InlineData(new[] { 1, 1, 1, 1, 1, 1 }, 4)]
    public void Preferred_Sizes_End_The_Wait_Early(int[] rows, int expected)
    {
        var policy = new BatchingPolicy(8, Forever, [2, 4]);
        Assert.Equal(expected, DynamicBatcher<int, int>.RequestsToTake(rows, TimeSpan.Zero, policy));
    }

    [Fact]
    public async Task A_Lone_Request_Waits_Exactly_Its_Delay_Then_Runs_Alone()
    {
        var (clock, executions, batcher) = Executions.Start(new BatchingPolicy(8, Delay, []));

        var answer = batcher.SubmitAsync(7, 1, CancellationToken.None);
        await clock.TimerArmedAsync();
        Assert.Equal(Delay, clock.LastDue);

        clock.Advance(Delay - TimeSpan.FromTicks(1));
        Assert.Empty(executions.Sizes);

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(70, await answer);
        Assert.Equal([1], executions.Sizes);
        Assert.Equal([Delay], executions.StartedAt);
    }

    [Fact]
    public async Task Full_Batches_Run_At_Once_Never_Above_The_Maximum_And_The_Rest_After_The_Delay()
    {
        var (clock, executions, batcher) = Executions.Start(new BatchingPolicy(4, Forever, []));

        var answers = Enumerable.Range(0, 10).Select(i => batcher.SubmitAsync(i, 1, CancellationToken.None)).ToList();
        await Task.WhenAll(answers.Take(8));
        Assert.Equal([4, 4], executions.Sizes);
        Assert.All(executions.StartedAt, at => Assert.Equal(TimeSpan.Zero, at));

        await clock.TimerArmedAsync();
        clock.Advance(Forever);
        await Task.WhenAll(answers);
        Assert.Equal([4, 4, 2], executions.Sizes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 10), answers.Select(a => a.Result));
    }

    [Fact]
    public async Task Requests_Of_Several_Rows_Never_Overfill_A_Batch()
    {
        var (clock, executions, batcher) = Executions.Start(new BatchingPolicy(4, Forever, []));

        // 3 + 3 rows do not fit in 4: each runs alone as soon as the next one shows the batch cannot grow.
        var first = batcher.SubmitAsync(1, 3, CancellationToken.None);
        var second = batcher.SubmitAsync(2, 3, CancellationToken.None);
        Assert.Equal(10, await first);
        await clock.TimerArmedAsync();
        clock.Advance(Forever);
        Assert.Equal(20, await second);
        Assert.Equal([1, 1], executions.Sizes);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = batcher.SubmitAsync(3, 5, CancellationToken.None); });
    }

    [Fact]
    public async Task A_Preferred_Size_Runs_Without_Waiting_The_Delay()
    {
        var (clock, executions, batcher) = Executions.Start(new BatchingPolicy(8, Forever, [4]));

        var answers = Enumerable.Range(0, 5).Select(i => batcher.SubmitAsync(i, 1, CancellationToken.None)).ToList();
        await Task.WhenAll(answers.Take(4));
        Assert.Equal([4], executions.Sizes);

        await clock.TimerArmedAsync();
        clock.Advance(Forever);
        await answers[4];
        Assert.Equal([4, 1], executions.Sizes);
    }

    [Fact]
    public async Task A_Full_Queue_Refuses_And_A_Cancelled_Request_Leaves_It()
    {
        // No executor is ever free, so everything stays queued.
        var batcher = new DynamicBatcher<int, int>(
            new BatchingPolicy(2, Forever, [], MaxQueuedRows: 2),
            async cancellation => { await Task.Delay(Timeout.Infinite, cancellation); return null!; },
            items => Task.FromResult<IReadOnlyList<int>>(items),
            new VirtualClock());

        using var leave = new CancellationTokenSource();
        var leaving = batcher.SubmitAsync(1, 1, leave.Token);
        _ = batcher.SubmitAsync(2, 1, CancellationToken.None);
        Assert.Throws<BatchQueueFullException>(() => { _ = batcher.SubmitAsync(3, 1, CancellationToken.None); });

        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.Equal(1, batcher.QueuedRows);
        _ = batcher.SubmitAsync(4, 1, CancellationToken.None);
        Assert.Equal(2, batcher.QueuedRows);
    }

    /// <summary>Runs batches one at a time (one executor), recording each batch's size and start time; item i answers i × 10.</summary>
    private sealed class Executions(VirtualClock clock)
    {
        /// <summary>A batcher with <paramref name="policy"/> on a fresh virtual clock, and the record of what it ran.</summary>
        public static (VirtualClock Clock, Executions Executions, DynamicBatcher<int, int> Batcher) Start(BatchingPolicy policy)
        {
            var clock = new VirtualClock();
            var executions = new Executions(clock);
            return (clock, executions, executions.Batcher(policy));
        }

        private readonly SemaphoreSlim _executor = new(1, 1);
        private readonly ConcurrentQueue<(int Size, TimeSpan At)> _batches = new();

        public int[] Sizes => [.. _batches.Select(b => b.Size)];

        public TimeSpan[] StartedAt => [.. _batches.Select(b => b.At)];

        public DynamicBatcher<int, int> Batcher(BatchingPolicy policy) => new(policy, EnterAsync, items =>
        {
            _batches.Enqueue((items.Count, clock.Elapsed));
            return Task.FromResult<IReadOnlyList<int>>([.. items.Select(i => i * 10)]);
        }, clock);

        private async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
        {
            await _executor.WaitAsync(cancellationToken);
            return new Release(_executor);
        }

        private sealed class Release(SemaphoreSlim executor) : IDisposable
        {
            public void Dispose() => executor.Release();
        }
    }
}
