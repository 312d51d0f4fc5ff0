using HdrHistogram;

namespace ServingBench.Load;

/// <summary>One measured step: its windows' histograms (what the interval log holds) and the counts beside them.</summary>
public sealed class StepResult
{
    public required LoadStep Step { get; init; }

    /// <summary>Measured windows in order: latency from the scheduled send, service time from the actual send.</summary>
    public required IReadOnlyList<(HistogramBase Latency, HistogramBase Service)> Windows { get; init; }

    public required TimeSpan Measured { get; init; }

    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    public required long Timeouts { get; init; }

    public required long LateSends { get; init; }

    public required bool Stable { get; init; }

    /// <summary>The server's split and the CPU per request over the step; null when the step had no probe.</summary>
    public StepServerFigures? Server { get; init; }

    /// <summary>True when Ctrl+C cut the step short (what was measured is still reported).</summary>
    public bool Interrupted { get; init; }

    /// <summary>Every window's latencies added into one histogram.</summary>
    public HistogramBase Latency => Sum(Windows.Select(w => w.Latency));

    public HistogramBase Service => Sum(Windows.Select(w => w.Service));

    public static HistogramBase Sum(IEnumerable<HistogramBase> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        var total = StepRecorder.CreateHistogram();
        foreach (var histogram in histograms)
        {
            total.Add(histogram);
        }

        return total;
    }
}
