using BenchmarkDotNet.Reports;
using ServingBench.Benchmarks;
using ServingBench.Reports.Composition;

namespace ServingBench.Config;

/// <summary>
/// The server's share of each RoundTrip <c>Infer</c> row's calls, from the server's own statistics (emulator or real
/// server): its request time per call and that time over the round trip. The rest is the network, the protocol
/// stacks and the client's codec. '-' where the server published nothing (the benchmark's log says what was tried).
/// </summary>
/// <param name="value">The cell's text from the server's request time per call (µs) and the row's mean (ns).</param>
public sealed class ServerShareColumn(string name, string legend, int priority, Func<double, double, string> value)
    : CaseColumn<RoundTripCase>(name, legend, priority)
{

    public static ServerShareColumn ServerTime { get; } = new(
        SuiteColumns.ServerTime,
        "The server's request time per call from its own statistics (Triton success, TorchServe inference latency, TF Serving request latency), "
        + "over every call of the row (docs/server-statistics.md)",
        20,
        (serverUs, _) => (serverUs / 1000).ToString("0.000", CultureInfo.InvariantCulture) + " ms");

    public static ServerShareColumn ServerShare { get; } = new(
        SuiteColumns.ServerShare,
        "Server time ÷ round trip: the part of each call spent inside the server; the rest is network, protocol and the client's codec",
        21,
        (serverUs, roundTripNs) => (serverUs * 1000 / roundTripNs).ToString("P1", CultureInfo.InvariantCulture));

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (CaseOf(benchmarkCase) is not { } row || benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(RoundTripBenchmarks.Infer)
            || summary[benchmarkCase]?.ResultStatistics is not { Mean: > 0 } measured)
        {
            return "-";
        }

        return ServerTimes.Of(benchmarkCase, row.ToString()) switch
        {
            null => "?",
            { PerCall: { } split } => value(split.RequestUs, measured.Mean),
            _ => "-",
        };
    }
}
