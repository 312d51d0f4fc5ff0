namespace ServingBench.Load;

/// <summary>
/// perf_analyzer's rule: a step is stable when, over the last three windows, max/min of requests/s and of p99 are each
/// within 10 %. A window without a response is never stable (a stalled server must not pass).
/// </summary>
public static class StabilityRule
{
    public const int WindowsCompared = 3;
    public const double Tolerance = 0.10;

    public static bool IsStable(IReadOnlyList<WindowStats> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count < WindowsCompared)
        {
            return false;
        }

        var last = windows.Skip(windows.Count - WindowsCompared).ToArray();
        return last.All(w => w.Requests > 0)
            && WithinTolerance(last.Select(w => w.Rps))
            && WithinTolerance(last.Select(w => (double)w.P99Us));
    }

    private static bool WithinTolerance(IEnumerable<double> values)
    {
        double min = values.Min();
        double max = values.Max();
        return min > 0 && max / min <= 1 + Tolerance;
    }
}

/// <summary>What one measurement window saw (for the stability rule and live progress).</summary>
public readonly record struct WindowStats(long Requests, double Rps, long P50Us, long P99Us)
{
    /// <summary>A window's stats from its latency histogram (percentiles 0 when it saw no answer).</summary>
    public static WindowStats Of(HdrHistogram.HistogramBase latency, double seconds)
    {
        ArgumentNullException.ThrowIfNull(latency);
        long count = latency.TotalCount;
        return count == 0
            ? new WindowStats(0, 0, 0, 0)
            : new WindowStats(count, count / seconds, latency.GetValueAtPercentile(50), latency.GetValueAtPercentile(99));
    }
}
