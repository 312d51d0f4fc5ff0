namespace ServingBench.Benchmarks;

/// <summary>Benchmark categories; the config rejects a benchmark without one (so filters by category always work).</summary>
public static class Categories
{
    public const string Serialization = "Serialization";
    public const string RoundTrip = "RoundTrip";
    public const string InProcess = "InProcess";
}
