using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using HdrHistogram;

namespace ServingBench.Load;

/// <summary>
/// What one step records, from many threads at once: latency (from the scheduled send) and service time (from the
/// actual send) in microseconds into HdrHistogram recorders, failures by status, timeouts and late sends.
/// </summary>
/// <remarks>
/// A success costs two timestamp conversions and two lock-free recorder writes: no allocation, no lock (HdrHistogram's
/// <see cref="Recorder"/> lets the window thread swap histograms under a writer/reader phaser). Failures are rare and
/// may allocate their status text. Nothing is recorded until <see cref="StartMeasuring"/> (warm-up is discarded).
/// </remarks>
public sealed class StepRecorder
{
    /// <summary>Tag of the latency histograms in the interval log (the ones percentiles and merges read).</summary>
    public const string LatencyTag = "latency";

    /// <summary>Tag of the service-time histograms (from the actual send).</summary>
    public const string ServiceTag = "service";

    /// <summary>One hour in microseconds: the largest value the histograms hold (3 significant digits up to it).</summary>
    public const long HighestTrackableUs = 3_600_000_000;

    private readonly Recorder _latency = CreateRecorder();
    private readonly Recorder _service = CreateRecorder();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _failures = new();
    private long _timeouts;
    private long _lateSends;
    private long _completed;
    private volatile bool _measuring;

    public bool Measuring => _measuring;

    /// <summary>Successes recorded since <see cref="StartMeasuring"/> (for live progress).</summary>
    public long Completed => Volatile.Read(ref _completed);

    public long Timeouts => Volatile.Read(ref _timeouts);

    public long LateSends => Volatile.Read(ref _lateSends);

    public long FailureCount => _failures.Values.Sum(b => Volatile.Read(ref b.Value));

    /// <summary>Failures by status so far.</summary>
    public IReadOnlyDictionary<string, long> Failures =>
        _failures.ToDictionary(p => p.Key, p => Volatile.Read(ref p.Value.Value), StringComparer.Ordinal);

    /// <summary>Ends the warm-up: drops everything recorded so far and records from now on.</summary>
    public void StartMeasuring()
    {
        _latency.Reset();
        _service.Reset();
        _failures.Clear();
        Interlocked.Exchange(ref _timeouts, 0);
        Interlocked.Exchange(ref _lateSends, 0);
        Interlocked.Exchange(ref _completed, 0);
        _measuring = true;
    }

    /// <summary>A successful response; timestamps are <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    public void RecordSuccess(long scheduledTimestamp, long sentTimestamp, long completedTimestamp)
    {
        if (!_measuring)
        {
            return;
        }

        _latency.RecordValue(ToMicroseconds(completedTimestamp - scheduledTimestamp));
        _service.RecordValue(ToMicroseconds(completedTimestamp - sentTimestamp));
        Interlocked.Increment(ref _completed);
    }

    /// <summary>A request the server refused; <paramref name="status"/> as <see cref="FailureStatus.Of"/> names it.</summary>
    public void RecordFailure(string status)
    {
        if (_measuring)
        {
            Interlocked.Increment(ref _failures.GetOrAdd(status, static _ => new StrongBox<long>()).Value);
        }
    }

    public void RecordTimeout()
    {
        if (_measuring)
        {
            Interlocked.Increment(ref _timeouts);
        }
    }

    public void RecordLateSend()
    {
        if (_measuring)
        {
            Interlocked.Increment(ref _lateSends);
        }
    }

    /// <summary>Takes the window just ended (latency, service) and starts the next; called by one thread only.</summary>
    public (HistogramBase Latency, HistogramBase Service) TakeWindow(DateTimeOffset start, DateTimeOffset end)
    {
        var latency = _latency.GetIntervalHistogram();
        var service = _service.GetIntervalHistogram();
        Stamp(latency, LatencyTag, start, end);
        Stamp(service, ServiceTag, start, end);
        return (latency, service);
    }

    /// <summary>Microseconds between two <see cref="Stopwatch"/> timestamps, clamped into the histogram's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToMicroseconds(long ticks) =>
        Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 1, HighestTrackableUs);

    /// <summary>An empty histogram with the recorders' range and precision (for merging windows and logs).</summary>
    public static HistogramBase CreateHistogram() => new LongHistogram(1, HighestTrackableUs, 3);

    private static Recorder CreateRecorder() =>
        HistogramFactory.With64BitBucketSize()
            .WithValuesFrom(1)
            .WithValuesUpTo(HighestTrackableUs)
            .WithPrecisionOf(3)
            .WithThreadSafeWrites()
            .WithThreadSafeReads()
            .Create();

    private static void Stamp(HistogramBase histogram, string tag, DateTimeOffset start, DateTimeOffset end)
    {
        histogram.Tag = tag;
        histogram.StartTimeStamp = start.ToUnixTimeMilliseconds();
        histogram.EndTimeStamp = end.ToUnixTimeMilliseconds();
    }
}
