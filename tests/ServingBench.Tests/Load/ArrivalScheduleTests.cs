using System.Diagnostics;
using ServingBench.Load;

namespace ServingBench.Tests.Load;

/// <summary>The open loop's schedule is what it claims: Poisson gaps with mean 1/λ and CV 1, seeded, and workers that add up.</summary>
public sealed class ArrivalScheduleTests
{
    private const int Arrivals = 100_000;

    [Fact]
    public void Poisson_Gaps_Have_Mean_One_Over_Rate_And_Coefficient_Of_Variation_One()
    {
        const double rate = 250;
        double[] gaps = Gaps(new ArrivalSchedule(rate, ArrivalProcess.Poisson, seed: 12345));
        double mean = gaps.Average();
        double sd = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Length - 1));
        Assert.InRange(mean, 0.95 / rate, 1.05 / rate);
        Assert.InRange(sd / mean, 0.95, 1.05);

        // Memoryless: the share of gaps longer than the mean is e^-1.
        Assert.InRange(gaps.Count(g => g > 1 / rate) / (double)gaps.Length, Math.Exp(-1) - 0.01, Math.Exp(-1) + 0.01);
    }

    [Fact]
    public void Same_Seed_Same_Arrivals_Other_Seed_Other_Arrivals()
    {
        var a = new ArrivalSchedule(100, ArrivalProcess.Poisson, 7);
        var b = new ArrivalSchedule(100, ArrivalProcess.Poisson, 7);
        var c = new ArrivalSchedule(100, ArrivalProcess.Poisson, 8);
        long[] first = [.. Enumerable.Range(0, 100).Select(_ => a.Next())];
        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => b.Next()));
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => c.Next()));
    }

    [Fact]
    public void Constant_Workers_Interleave_Into_One_Constant_Stream()
    {
        const double rate = 100;
        var workers = Enumerable.Range(0, 4).Select(i => new WorkerShare(i, 4)).ToArray();
        var schedules = workers.Select(w => new ArrivalSchedule(w.Rate(rate), ArrivalProcess.Constant, w.Seed(1), w.PhaseSeconds(rate))).ToArray();
        var merged = schedules.SelectMany(s => Enumerable.Range(0, 50).Select(_ => s.Next())).Order().ToArray();
        double expectedGap = Stopwatch.Frequency / rate;
        for (int i = 1; i < merged.Length; i++)
        {
            Assert.InRange(merged[i] - merged[i - 1], expectedGap - 2, expectedGap + 2);
        }
    }

    [Fact]
    public void Worker_Shares_Sum_To_The_Whole_Step()
    {
        var workers = Enumerable.Range(0, 3).Select(i => new WorkerShare(i, 3)).ToArray();
        Assert.Equal(10, workers.Sum(w => w.Users(10)));
        Assert.Equal([4, 3, 3], workers.Select(w => w.Users(10)));
        Assert.Equal(90, workers.Sum(w => w.Rate(90)), 9);
        Assert.Null(WorkerShare.TryParse("2/2", out string? problem));
        Assert.Contains("--worker", problem, StringComparison.Ordinal);
        Assert.Equal(new WorkerShare(1, 2), WorkerShare.TryParse("1/2", out _));
    }

    private static double[] Gaps(ArrivalSchedule schedule)
    {
        long previous = schedule.Next();
        var gaps = new double[Arrivals];
        for (int i = 0; i < Arrivals; i++)
        {
            long next = schedule.Next();
            gaps[i] = (next - previous) / (double)Stopwatch.Frequency;
            previous = next;
        }

        return gaps;
    }
}
