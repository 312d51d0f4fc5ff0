using ServingBench.Reports.Comparison;

namespace ServingBench.Tests.Reports;

/// <summary>
/// The comparison's test on synthetic measurements with a known shift, at the sample sizes and spreads the suite's
/// classes run with (from the published full run 20261201T144049Z-vm: the median count of result iterations per row
/// and the median coefficient of variation within a row). Seeded, so every run draws the same samples.
/// </summary>
public sealed class ShiftTestTests
{
    private const int Seed = 12345; // same seed, repeatable trials
    private const int TrialCount = 200;

    /// <summary>Serialization: 10 iterations, 1.9 % spread; RoundTrip: 18, 4.6 %; InProcess: its fewest, 7, at 3.3 %.</summary>
    public static TheoryData<string, int, double> SuiteClasses() => new()
    {
        { "Serialization", 10, 0.019 },
        { "RoundTrip", 18, 0.046 },
        { "InProcess", 7, 0.033 },
    };

    [Theory]
    [MemberData(nameof(SuiteClasses))]
    public void Two_Samples_Of_One_Distribution_Compare_As_Same_In_At_Least_95_Percent_Of_Seeded_Trials(string suiteClass, int count, double spread)
    {
        int same = CountTrials(count, spread, newScale: 1, Verdict.Same);

        Assert.True(same >= 0.95 * TrialCount, $"{suiteClass}: {same} of {TrialCount} trials same");
    }

    [Theory]
    [MemberData(nameof(SuiteClasses))]
    public void A_10_Percent_Slowdown_Is_Called_Slower_In_At_Least_90_Percent_Of_Seeded_Trials(string suiteClass, int count, double spread)
    {
        int slower = CountTrials(count, spread, newScale: 1.10, Verdict.Slower);

        Assert.True(slower >= 0.90 * TrialCount, $"{suiteClass}: {slower} of {TrialCount} trials slower");
    }

    [Fact]
    public void A_Speedup_Is_Faster_And_A_Falling_Rate_Is_Slower()
    {
        var random = new Random(Seed);
        double[] baseline = SeededSamples.Times(random, 12, 0.02, 1);

        Assert.Equal(Verdict.Faster, ShiftTest.Default.Compare(baseline, SeededSamples.Times(random, 12, 0.02, 0.8)));
        Assert.Equal(Verdict.Slower, ShiftTest.Default.Compare(baseline, SeededSamples.Times(random, 12, 0.02, 0.8), BetterWhen.Higher));
        Assert.Equal(Verdict.Faster, ShiftTest.Default.Compare(baseline, SeededSamples.Times(random, 12, 0.02, 1.25), BetterWhen.Higher));
    }

    [Fact]
    public void A_Shift_Inside_The_Threshold_Is_Same_However_Clear()
    {
        double[] baseline = [100, 100.1, 100.2, 100.3, 100.4, 100.5, 100.6, 100.7, 100.8, 100.9];

        Assert.Equal(Verdict.Same, ShiftTest.Default.Compare(baseline, [.. baseline.Select(v => v * 1.02)]));
        Assert.Equal(Verdict.Slower, ShiftTest.Default.WithThreshold(0.01).Compare(baseline, [.. baseline.Select(v => v * 1.02)]));
    }

    [Fact]
    public void Samples_Too_Small_To_Reach_The_Level_Are_Unresolved_However_Far_Apart()
    {
        // Three against three: the smallest one-sided p-value is 1/20, never below 5 %.
        Assert.False(ShiftTest.Default.CanResolve(3, 3));
        Assert.True(ShiftTest.Default.CanResolve(4, 4));
        Assert.Equal(Verdict.Unresolved, ShiftTest.Default.Compare([1, 1.1, 1.2], [5, 5.1, 5.2]));
        Assert.Equal(Verdict.Unresolved, ShiftTest.Default.Compare([], [5, 5.1, 5.2, 5.3]));
        Assert.Null(ShiftTest.Default.SmallestDetectableChange([1, 1.1, 1.2], [5, 5.1, 5.2]));
    }

    [Fact]
    public void The_Smallest_Detectable_Change_Is_At_Least_The_Threshold_And_Grows_With_The_Spread()
    {
        var random = new Random(Seed);
        double tight = ShiftTest.Default.SmallestDetectableChange(SeededSamples.Times(random, 10, 0.005, 1), SeededSamples.Times(random, 10, 0.005, 1))!.Value;
        double loose = ShiftTest.Default.SmallestDetectableChange(SeededSamples.Times(random, 10, 0.05, 1), SeededSamples.Times(random, 10, 0.05, 1))!.Value;

        Assert.InRange(tight, ShiftTest.DefaultThreshold, 0.06);
        Assert.True(loose > 1.5 * tight, $"tight {tight:P1}, loose {loose:P1}");
        Assert.True(ShiftTest.Default.WithThreshold(0.10).SmallestDetectableChange(SeededSamples.Times(random, 10, 0.005, 1), SeededSamples.Times(random, 10, 0.005, 1)) >= 0.10);
    }

    [Fact]
    public void The_Smallest_Detectable_Change_Is_One_The_Test_Then_Calls()
    {
        var random = new Random(Seed);
        double[] baseline = SeededSamples.Times(random, 10, 0.02, 1);
        double[] again = SeededSamples.Times(random, 10, 0.02, 1);
        double change = ShiftTest.Default.SmallestDetectableChange(baseline, again)!.Value;
        double median = ShiftTest.Median(baseline);
        double againMedian = ShiftTest.Median(again);

        // The candidate's own shape moved to the baseline's median raised by the change: called; a little less: not.
        Assert.Equal(Verdict.Slower, ShiftTest.Default.Compare(baseline, [.. again.Select(v => v / againMedian * median * (1 + change + 0.001))]));
        Assert.NotEqual(Verdict.Slower, ShiftTest.Default.Compare(baseline, [.. again.Select(v => v / againMedian * median * (1 + change - 0.01))]));
    }

    /// <summary>In how many of the seeded trials a base sample and a new one, <paramref name="newScale"/> times as slow, get <paramref name="verdict"/>.</summary>
    private static int CountTrials(int count, double spread, double newScale, Verdict verdict)
    {
        var random = new Random(Seed);
        return Enumerable.Range(0, TrialCount).Count(_ =>
            ShiftTest.Default.Compare(SeededSamples.Times(random, count, spread, 1), SeededSamples.Times(random, count, spread, newScale)) == verdict);
    }
}
