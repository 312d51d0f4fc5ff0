using ServingBench.Reports.Comparison;

namespace ServingBench.Tests.Reports;

/// <summary>The drift between two runs, estimated from the spread of many rows' ratios (seeded synthetic ratios).</summary>
public sealed class RunDriftTests
{
    private const int Seed = 12345; // same seed, repeatable ratios

    [Fact]
    public void The_Drift_Is_The_Spread_Of_The_Rows_Log_Ratios()
    {
        var random = new Random(Seed);
        double[] ratios = [.. Enumerable.Range(0, 400).Select(_ => Math.Exp(0.045 * SeededSamples.Normal(random)))];

        var drift = RunDrift.Estimate(ratios)!;

        Assert.Equal(400, drift.Rows);
        Assert.InRange(drift.Sigma, 0.040, 0.050);
        Assert.InRange(drift.Floor, 0.12, 0.17); // e^(3 × 0.045) − 1 = 14.5 %
    }

    [Fact]
    public void Rows_That_Really_Moved_Barely_Move_The_Estimate()
    {
        var random = new Random(Seed);
        double[] unchanged = [.. Enumerable.Range(0, 180).Select(_ => Math.Exp(0.02 * SeededSamples.Normal(random)))];
        double[] someSlower = [.. unchanged.Take(160), .. unchanged.Skip(160).Select(r => r * 1.5)];

        double before = RunDrift.Estimate(unchanged)!.Sigma;
        double after = RunDrift.Estimate(someSlower)!.Sigma;

        Assert.InRange(after / before, 0.9, 1.25);
    }

    [Fact]
    public void A_Whole_Run_Slower_By_One_Factor_Has_No_Drift()
    {
        // Every row 20 % slower (another runtime, say) is no spread at all: each row is then called slower by its own test.
        Assert.Equal(0, RunDrift.Estimate(Enumerable.Repeat(1.2, 50))!.Sigma, 12);
    }

    [Fact]
    public void Fewer_Rows_Than_The_Minimum_Give_No_Estimate()
    {
        Assert.Null(RunDrift.Estimate(Enumerable.Repeat(1.0, RunDrift.MinRows - 1)));
        Assert.NotNull(RunDrift.Estimate(Enumerable.Repeat(1.0, RunDrift.MinRows)));
        Assert.Null(RunDrift.Estimate([double.NaN, 0, -1, 1, 1, 1, 1, 1, 1]));
    }
}
