using ServingBench.Reports.Composition;

namespace ServingBench.Tests.Reports;

/// <summary>Serialization rows of a hand-made run, for the tests of one report table at a time.</summary>
internal static class HandMadeRows
{
    /// <summary>One Serialization method of one case; the tables under test read the mean and the bytes, so the error (1 % of the mean) and allocation are fillers.</summary>
    public static BenchmarkRow Serialization(string @case, string method, double meanNs, long requestBytes, long responseBytes) =>
        new("run", SuiteClasses.Serialization, method, new Dictionary<string, string> { ["Case"] = @case }, meanNs, meanNs / 100, 0, requestBytes, responseBytes);
}
