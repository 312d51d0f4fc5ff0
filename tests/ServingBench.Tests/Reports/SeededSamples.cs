namespace ServingBench.Tests.Reports;

/// <summary>Synthetic measurements for the comparison's tests, from a caller's seeded <see cref="Random"/>.</summary>
internal static class SeededSamples
{
    /// <summary>Log-normal times around <paramref name="scale"/> with relative spread <paramref name="spread"/>: positive and right-skewed, as measured times are.</summary>
    public static double[] Times(Random random, int count, double spread, double scale) =>
        [.. Enumerable.Range(0, count).Select(_ => scale * Math.Exp(spread * Normal(random)))];

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
