namespace ServingBench.Tests.Batching;

/// <summary>
/// A clock that moves only when a test says so, with timers that fire when <see cref="Advance"/> passes their due
/// time. Each armed timer is counted, so a test waits for the code under test to start waiting (an event, not a sleep).
/// </summary>
internal sealed class VirtualClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<VirtualTimer> _timers = [];
    private readonly SemaphoreSlim _armed = new(0);
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Time since the clock was made.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(GetTimestamp());

    /// <summary>When the most recently armed timer is due, since the clock was made.</summary>
    public TimeSpan LastDue { get; private set; }

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + Elapsed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Waits until some code armed a timer (one per call); fails the test after 30 s instead of hanging.</summary>
    public async Task TimerArmedAsync()
    {
        Assert.True(await _armed.WaitAsync(TimeSpan.FromSeconds(30)), "nothing armed a timer");
    }

    /// <summary>Moves the clock on and fires, in due order, every timer due by then.</summary>
    public void Advance(TimeSpan by)
    {
        List<VirtualTimer> due;
        lock (_lock)
        {
            _now += by.Ticks;
            due = [.. _timers.Where(t => t.DueAt <= _now).OrderBy(t => t.DueAt)];
            foreach (var timer in due)
            {
                _timers.Remove(timer);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void Arm(VirtualTimer timer, TimeSpan dueTime)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            timer.DueAt = _now + dueTime.Ticks;
            LastDue = TimeSpan.FromTicks(timer.DueAt);
            _timers.Add(timer);
        }

        _armed.Release();
    }

    private void Disarm(VirtualTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // One-shot timers only: what Task.Delay asks for.
            clock.Arm(this, dueTime);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Disarm(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
