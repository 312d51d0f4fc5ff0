using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ServingBench.Benchmarks;
using ServingBench.Composition;
using ServingBench.Reports.Composition;

namespace ServingBench.Config;

/// <summary>
/// The protocol's share of a real inference, on each onnx <c>Infer</c> row: the in-process time of the same model,
/// input and backend (the payload's <c>InProcess</c> row), the share of the round trip that is not the model, and
/// the check that this remainder is the protocol cost the canned row of the same scenario measures.
/// </summary>
/// <remarks>
/// Check: (onnx round trip − in-process) ÷ canned round trip should read 1.00 within noise (target 0.80–1.20): the
/// canned backend does the same decoding, validation and encoding with zero compute, so it is the protocol alone.
/// <see cref="DecompositionCheck"/> carries the rows' errors into the check (the report page uses it too).
/// </remarks>
public sealed class ProtocolShareColumn : CaseColumn<RoundTripCase>
{
    private readonly Func<Cell, string> _value;

    private ProtocolShareColumn(string name, string legend, int priority, Func<Cell, string> value)
        : base(name, legend, priority)
    {
        _value = value;
    }

    public static ProtocolShareColumn InProcessMean { get; } = new(
        SuiteColumns.InProcessMean,
        "Mean of the payload's InProcess row: the same onnx backend called directly with the same request (no protocol). " + OnnxBackend.ThreadBudget,
        10,
        cell => cell.InProcess is { } f ? Milliseconds(f.Mean) : "?");

    public static ProtocolShareColumn Share { get; } = new(
        SuiteColumns.ProtocolShare,
        "(onnx round trip − in-process) ÷ onnx round trip: the part of a real inference's round trip that is protocol",
        11,
        cell => cell.InProcess is { } f ? ((cell.Onnx.Mean - f.Mean) / cell.Onnx.Mean).ToString("P1", CultureInfo.InvariantCulture) : "?");

    public static ProtocolShareColumn Decomposition { get; } = new(
        SuiteColumns.Decomposition,
        "The remainder of the onnx round trip over the canned round trip of the same scenario and payload, ± the three rows' 99.9 % errors "
        + "propagated: 'holds' within 0.80–1.20, 'fails' wholly outside, 'unresolved' when the error is too large to tell",
        12,
        cell => DecompositionCheck.Of(cell.Onnx.Mean, cell.Onnx.Error, cell.InProcess?.Mean, cell.InProcess?.Error, cell.Canned?.Mean, cell.Canned?.Error)?.ToString() ?? "?");

    public static ProtocolShareColumn EngineInServer { get; } = new(
        SuiteColumns.EngineInServer,
        "Time inside the onnx backend during this row's own calls, timed by the server (the model as it runs beside the protocol), ± its 99.9 % error; "
        + "compare it with In-process to see the engine drift between processes",
        13,
        cell => cell.Paired is { } p ? PlusMinus(p.EngineMeanNs, p.EngineErrorNs) : "?");

    public static ProtocolShareColumn PairedDecomposition { get; } = new(
        SuiteColumns.PairedDecomposition,
        "The paired check: each onnx round trip minus the server's engine time for that very call, averaged, over the canned round trip; "
        + "the model's variation and the drift between processes are out of it (docs/end-to-end.md, \"The paired check\")",
        14,
        cell => cell.Paired is { } p
            ? DecompositionCheck.OfRemainder(p.ProtocolMeanNs, p.ProtocolErrorNs, cell.Canned?.Mean, cell.Canned?.Error)?.ToString() ?? "?"
            : "?");

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (CaseOf(benchmarkCase) is not { Backend: BackendFactory.Onnx } row
            || benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(RoundTripBenchmarks.Infer))
        {
            return "-";
        }

        var onnx = Measured(summary, nameof(RoundTripBenchmarks.Infer), c => c == row);
        var inProcess = Measured(summary, nameof(RoundTripBenchmarks.InProcess), c => c.MeasuresInProcess && c.Payload == row.Payload && c.SendsFile == row.SendsFile);
        var canned = Measured(summary, nameof(RoundTripBenchmarks.Infer), c => c.Backend == BackendFactory.Canned && c.Scenario == row.Scenario && c.Payload == row.Payload);
        // The benchmark process's output lines (none under the in-process toolchain, where Find looks in this process).
        var output = summary[benchmarkCase]?.ExecuteResults.SelectMany(r => r.StandardOutput ?? []) ?? [];
        var paired = PairedTimes.Find(row.ToString(), output);
        return onnx is { Mean: > 0 } ? _value(new Cell(onnx, inProcess, canned, paired)) : "?";
    }

    private static Estimate? Measured(Summary summary, string method, Func<RoundTripCase, bool> pick)
    {
        var match = summary.BenchmarksCases.FirstOrDefault(b => b.Descriptor.WorkloadMethod.Name == method && CaseOf(b) is { } c && pick(c));
        return match is not null && summary[match]?.ResultStatistics is { } statistics
            ? new Estimate(statistics.Mean, statistics.ConfidenceInterval.Margin)
            : null;
    }

    private static string Milliseconds(double nanoseconds) => (nanoseconds / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static string PlusMinus(double nanoseconds, double errorNanoseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:0.000} ± {errorNanoseconds / 1e6:0.000} ms");

    /// <summary>A mean and its 99.9 % error, ns.</summary>
    private sealed record Estimate(double Mean, double Error);

    /// <summary>The three rows of one onnx cell, and the onnx row's paired figures; in-process and canned are absent when the run filtered them out.</summary>
    private sealed record Cell(Estimate Onnx, Estimate? InProcess, Estimate? Canned, PairedTimes? Paired);
}
