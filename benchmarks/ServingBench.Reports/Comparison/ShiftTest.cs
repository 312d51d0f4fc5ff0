using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace ServingBench.Reports.Comparison;

/// <summary>What a comparison says about one figure of one row or step.</summary>
public enum Verdict
{
    /// <summary>No change beyond the threshold that the measurements can show.</summary>
    Same,

    /// <summary>Worse beyond the threshold: a time or latency rose, a rate fell.</summary>
    Slower,

    /// <summary>Better beyond the threshold.</summary>
    Faster,

    /// <summary>Too few measurements for the test to reach its significance level at all (or none).</summary>
    Unresolved,
}

/// <summary>Which direction of a figure is an improvement.</summary>
public enum BetterWhen
{
    /// <summary>Times and latencies.</summary>
    Lower,

    /// <summary>Requests per second.</summary>
    Higher,
}

/// <summary>
/// Two one-sided Mann–Whitney tests with a threshold, as dotnet/performance's ResultsComparer does: the candidate is
/// slower when its measurements are significantly above the baseline's raised by <see cref="Threshold"/>, faster when
/// the baseline's are significantly above the candidate's raised by it, and the same otherwise. The threshold is what
/// keeps a real but negligible shift (or the drift between two processes) from being called a change; the test is
/// what keeps noise from being called one. Rank-based, so an outlying iteration moves nothing.
/// </summary>
/// <param name="Threshold">The smallest relative change worth calling (0.03 is 3 %), applied on both sides.</param>
/// <param name="Alpha">The significance level of each one-sided test.</param>
public sealed record ShiftTest(double Threshold, double Alpha)
{
    public const double DefaultThreshold = 0.03;

    public const double DefaultAlpha = 0.05;

    /// <summary>The largest relative change <see cref="SmallestDetectableChange"/> looks for (ten times the baseline).</summary>
    private const double LargestSearchedChange = 10;

    public static ShiftTest Default { get; } = new(DefaultThreshold, DefaultAlpha);

    /// <summary>The same test with a higher threshold (the drift between two runs can demand one).</summary>
    public ShiftTest WithThreshold(double threshold) => this with { Threshold = threshold };

    public Verdict Compare(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, BetterWhen better = BetterWhen.Lower)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        if (!CanResolve(baseline.Count, candidate.Count))
        {
            return Verdict.Unresolved;
        }

        bool rose = Exceeds(candidate, baseline, Threshold);
        bool fell = !rose && Exceeds(baseline, candidate, Threshold);
        return (rose, fell) switch
        {
            (true, _) => better == BetterWhen.Lower ? Verdict.Slower : Verdict.Faster,
            (_, true) => better == BetterWhen.Lower ? Verdict.Faster : Verdict.Slower,
            _ => Verdict.Same,
        };
    }

    /// <summary>
    /// Whether samples of these sizes can reach <see cref="Alpha"/> at all: the smallest p-value a one-sided
    /// Mann–Whitney test can give is 1 / C(n + m, n), when every value of one sample lies above every value of the other.
    /// Three windows against three, for instance, never can at 5 %.
    /// </summary>
    public bool CanResolve(int baselineCount, int candidateCount)
    {
        if (baselineCount < 1 || candidateCount < 1)
        {
            return false;
        }

        double arrangements = 1;
        for (int k = 1; k <= Math.Min(baselineCount, candidateCount); k++)
        {
            arrangements = arrangements * (baselineCount + candidateCount - k + 1) / k;
        }

        return 1 / arrangements < Alpha;
    }

    /// <summary>
    /// The smallest worsening this test would call, were the candidate measured again with the spread both runs
    /// showed: each sample is scaled to its own median, and the candidate's is moved until the test calls it slower.
    /// It is at least <see cref="Threshold"/>, and grows with the spread and with fewer measurements. Null when the
    /// sizes cannot reach <see cref="Alpha"/> or no change up to ten times would be called.
    /// </summary>
    public double? SmallestDetectableChange(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, BetterWhen better = BetterWhen.Lower)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        if (!CanResolve(baseline.Count, candidate.Count))
        {
            return null;
        }

        double[] reference = Normalised(baseline);
        double[] shape = Normalised(candidate);
        bool Called(double change) => better == BetterWhen.Lower
            ? Exceeds(Scaled(shape, 1 + change), reference, Threshold)
            : Exceeds(reference, Scaled(shape, 1 / (1 + change)), Threshold);

        if (!Called(LargestSearchedChange))
        {
            return null;
        }

        // The called region is an interval [d, ∞): scaling one sample up only raises its ranks.
        double low = 0, high = LargestSearchedChange;
        while (high - low > 0.0005)
        {
            double middle = (low + high) / 2;
            (low, high) = Called(middle) ? (low, middle) : (middle, high);
        }

        return high;
    }

    /// <summary>True when <paramref name="higher"/> lies significantly above <paramref name="lower"/> raised by <paramref name="threshold"/>.</summary>
    private bool Exceeds(IReadOnlyList<double> higher, IReadOnlyList<double> lower, double threshold)
    {
        var limit = PercentValue.Of(threshold * 100).ToThreshold();
        double p = MannWhitneyTest.Instance.GetPValue(new Sample([.. higher]), new Sample([.. lower]), AlternativeHypothesis.Greater, limit);
        return p < Alpha;
    }

    private static double[] Normalised(IReadOnlyList<double> sample)
    {
        double median = Median(sample);
        return median > 0 ? [.. sample.Select(v => v / median)] : [.. sample];
    }

    private static double[] Scaled(double[] sample, double factor) => [.. sample.Select(v => v * factor)];

    internal static double Median(IReadOnlyList<double> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Count == 0)
        {
            return double.NaN;
        }

        var sorted = sample.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
