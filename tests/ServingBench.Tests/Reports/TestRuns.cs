namespace ServingBench.Tests.Reports;

/// <summary>Where the committed run folders the report and compare tests read lie (tests/ServingBench.Tests/Reports).</summary>
internal static class TestRuns
{
    private static readonly string Reports = Path.Combine(
        RepositoryRoot.Find() ?? throw new InvalidOperationException("the tests run inside a clone"), "tests", "ServingBench.Tests", "Reports");

    /// <summary>Sample runs of the report tests: a benchmark and a load run of one machine, a Zen 5 run, a dry run.</summary>
    public static string Samples { get; } = Path.Combine(Reports, "SampleRuns");

    /// <summary>Real runs for the compare tests (CompareRuns/README.md says where each comes from).</summary>
    public static string Compare { get; } = Path.Combine(Reports, "CompareRuns");
}
