using System.Diagnostics;

namespace ServingBench.Load;

/// <summary>Sends one request and completes when its answer is decoded; throws when the server refuses it.</summary>
public delegate Task SendRequest(CancellationToken cancellationToken);

/// <summary>
/// Runs steps against one <see cref="SendRequest"/>: a closed loop of virtual users or an open loop of scheduled
/// arrivals, a warm-up, then measurement windows until the duration has passed and the stability rule holds (or the
/// bounded extra windows run out).
/// </summary>
/// <remarks>
/// Open loop latency is measured from the <em>scheduled</em> send (as wrk2 and MLPerf LoadGen do), so a server that
/// stalls is charged for every request it kept waiting (coordinated omission); the service time from the actual
/// send is recorded beside it. A closed-loop user's next request waits for the previous one, which is exactly why a
/// closed loop hides stalls; both are offered because the studies used both.
/// </remarks>
public sealed class LoadRunner
{
    private readonly SendRequest _send;
    private readonly LoadTiming _timing;
    private readonly WorkerShare _worker;
    private readonly StepProbe? _probe;

    /// <param name="probe">Snapshots of the server's statistics and CPU before the measured windows and after the last answer; none when null.</param>
    public LoadRunner(SendRequest send, LoadTiming timing, WorkerShare? worker = null, StepProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(timing);
        if (timing.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(timing));
        }

        _send = send;
        _timing = timing;
        _worker = worker ?? WorkerShare.Alone;
        _probe = probe;
    }

    /// <summary>
    /// Runs <paramref name="step"/> (this worker's share of it). <paramref name="abort"/> (Ctrl+C) ends it early; the
    /// windows measured so far are returned with <see cref="StepResult.Interrupted"/> set.
    /// </summary>
    public async Task<StepResult> RunAsync(
        LoadStep step, string series, ILoadProgress? progress = null, DateTimeOffset? startAt = null, CancellationToken abort = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var recorder = new StepRecorder();
        if (startAt is { } start && start > DateTimeOffset.UtcNow)
        {
            await DelayQuietly(start - DateTimeOffset.UtcNow, abort).ConfigureAwait(false);
        }

        progress?.StepStarted(series, step, recorder, _timing.Warmup, _timing.Duration);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var load = step.IsOpen
            ? RunOpenLoopAsync(step, recorder, stopSending.Token, abort)
            : RunClosedLoopAsync(_worker.Users(step.Users!.Value), recorder, stopSending.Token, abort);

        await DelayQuietly(_timing.Warmup, abort).ConfigureAwait(false);

        // The server's counters are read just before measuring starts and after the last answer is in, never inside a
        // window's timing: one small request to the server's statistics per step end.
        var before = _probe is null ? null : await _probe.MarkAsync(abort).ConfigureAwait(false);
        recorder.StartMeasuring();
        long measureStart = Stopwatch.GetTimestamp();
        var windowStart = DateTimeOffset.UtcNow;
        var windows = new List<(HdrHistogram.HistogramBase Latency, HdrHistogram.HistogramBase Service)>();
        var stats = new List<WindowStats>();
        int minimum = _timing.MinimumWindows;
        bool stable = false;
        while (!abort.IsCancellationRequested)
        {
            long windowEnd = measureStart + (windows.Count + 1) * (long)(_timing.Window.TotalSeconds * Stopwatch.Frequency);
            await DelayQuietly(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), windowEnd), abort).ConfigureAwait(false);
            if (abort.IsCancellationRequested)
            {
                break;
            }

            var now = DateTimeOffset.UtcNow;
            var window = recorder.TakeWindow(windowStart, now);
            double seconds = Math.Max((now - windowStart).TotalSeconds, 1e-3);
            windowStart = now;
            windows.Add(window);
            var windowStats = WindowStats.Of(window.Latency, seconds);
            stats.Add(windowStats);
            progress?.WindowEnded(windowStats, Stopwatch.GetElapsedTime(measureStart));
            if (windows.Count >= minimum)
            {
                stable = StabilityRule.IsStable(stats);
                if (stable || windows.Count >= minimum + _timing.ExtraWindows)
                {
                    break;
                }
            }
        }

        await stopSending.CancelAsync().ConfigureAwait(false);
        await load.ConfigureAwait(false);

        // The answers still in flight when sending stopped are counted below, so the time spent waiting for them is
        // measured too: counting them over the windows alone inflated requests/s by up to users ÷ window length.
        var measured = Stopwatch.GetElapsedTime(measureStart);

        // Answers that arrived after the last window closed (in-flight at the end) still belong to this step.
        var tail = recorder.TakeWindow(windowStart, DateTimeOffset.UtcNow);
        if (windows.Count == 0)
        {
            windows.Add(tail);
        }
        else
        {
            windows[^1].Latency.Add(tail.Latency);
            windows[^1].Service.Add(tail.Service);
        }

        var after = _probe is null || before is null ? null : await _probe.MarkAsync(CancellationToken.None).ConfigureAwait(false);
        long answered = windows.Sum(w => w.Latency.TotalCount);
        var result = new StepResult
        {
            Server = after is null ? null : _probe!.Between(before!, after, answered),
            Step = step,
            Windows = windows,
            Measured = measured,
            Failures = recorder.Failures,
            Timeouts = recorder.Timeouts,
            LateSends = recorder.LateSends,
            Stable = stable && !abort.IsCancellationRequested,
            Interrupted = abort.IsCancellationRequested,
        };
        progress?.StepEnded(result);
        return result;
    }

    private Task RunClosedLoopAsync(int users, StepRecorder recorder, CancellationToken stop, CancellationToken abort) =>
        Task.WhenAll(Enumerable.Range(0, users).Select(_ => Task.Run(() => UserAsync(recorder, stop, abort), CancellationToken.None)));

    /// <summary>One virtual user: send, wait for the answer, think, repeat. Allocates nothing of its own per request.</summary>
    private async Task UserAsync(StepRecorder recorder, CancellationToken stop, CancellationToken abort)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(abort);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                long sent = Stopwatch.GetTimestamp();
                deadline.CancelAfter(_timing.RequestTimeout);
                if (await SendOnceAsync(recorder, sent, sent, deadline, abort).ConfigureAwait(false))
                {
                    return;
                }

                if (!deadline.TryReset())
                {
                    deadline.Dispose();
                    deadline = CancellationTokenSource.CreateLinkedTokenSource(abort);
                }

                if (_timing.ThinkTime > TimeSpan.Zero)
                {
                    await DelayQuietly(_timing.ThinkTime, stop).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            deadline.Dispose();
        }
    }

    /// <summary>Sends once and records the outcome; true when the run is being aborted (the caller stops).</summary>
    private async Task<bool> SendOnceAsync(StepRecorder recorder, long scheduled, long sent, CancellationTokenSource deadline, CancellationToken abort)
    {
        try
        {
            await _send(deadline.Token).ConfigureAwait(false);
            recorder.RecordSuccess(scheduled, sent, Stopwatch.GetTimestamp());
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            recorder.RecordTimeout();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            recorder.RecordFailure(FailureStatus.Of(ex));
        }

        return false;
    }

    /// <summary>
    /// The open loop: arrivals from the seeded schedule, each sent on its own whatever the earlier ones are doing.
    /// Waits by timer down to the last millisecond, then yields, so sends leave close to their scheduled time.
    /// </summary>
    private async Task RunOpenLoopAsync(LoadStep step, StepRecorder recorder, CancellationToken stop, CancellationToken abort)
    {
        double total = step.Rate!.Value;
        var schedule = new ArrivalSchedule(_worker.Rate(total), step.Arrival!.Value, _worker.Seed(_timing.Seed), _worker.PhaseSeconds(total));
        using var slots = new SemaphoreSlim(_timing.MaxInFlight, _timing.MaxInFlight);
        long origin = Stopwatch.GetTimestamp();
        long lateTicks = (long)(_timing.LateSendThreshold.TotalSeconds * Stopwatch.Frequency);
        long coarseTicks = Stopwatch.Frequency / 1000;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                long scheduled = origin + schedule.Next();
                long wait;
                while ((wait = scheduled - Stopwatch.GetTimestamp()) > 0 && !stop.IsCancellationRequested)
                {
                    if (wait > 2 * coarseTicks)
                    {
                        await DelayQuietly(Stopwatch.GetElapsedTime(0, wait - coarseTicks), stop).ConfigureAwait(false);
                    }
                    else
                    {
                        await Task.Yield();
                    }
                }

                if (stop.IsCancellationRequested)
                {
                    break;
                }

                await slots.WaitAsync(abort).ConfigureAwait(false);
                _ = SendScheduledAsync(recorder, scheduled, lateTicks, slots, abort);
            }

            // Drain: every admitted request finishes (or times out) before the step ends.
            for (int i = 0; i < _timing.MaxInFlight; i++)
            {
                await slots.WaitAsync(abort).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Ctrl+C: in-flight requests are cancelled through the same token.
        }
    }

    private async Task SendScheduledAsync(StepRecorder recorder, long scheduled, long lateTicks, SemaphoreSlim slots, CancellationToken abort)
    {
        // Off the scheduler's thread before any work, so encoding a large body never delays the next arrival.
        await Task.Yield();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abort);
        try
        {
            long sent = Stopwatch.GetTimestamp();
            if (sent - scheduled > lateTicks)
            {
                recorder.RecordLateSend();
            }

            deadline.CancelAfter(_timing.RequestTimeout);
            await SendOnceAsync(recorder, scheduled, sent, deadline, abort).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller checks its token; a cancelled wait is not an error here.
        }
    }
}
