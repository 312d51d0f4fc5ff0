using BenchmarkDotNet.Reports;
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
    private readonly bool _servers;

    /// <param name="servers">True for the columns a real server's row carries too (its figures come from that server's statistics).</param>
    private ProtocolShareColumn(string name, string legend, int priority, Func<Cell, string> value, bool servers = false)
        : base(name, legend, priority)
    {
        _value = value;
        _servers = servers;
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
        "The engine time the server published for this row's own calls (Triton compute_infer, TorchServe inference − queue latency, "
        + "TF Serving runtime latency; read around each iteration), ± its 99.9 % error; compare it with In-process to see the engine drift between processes",
        13,
        cell => cell.Server is { Paired: { } p } ? PlusMinus(p.EngineMeanNs, p.EngineErrorNs) : NoFigures(cell.Server),
        servers: true);

    public static ProtocolShareColumn PairedDecomposition { get; } = new(
        SuiteColumns.PairedDecomposition,
        "The paired check: each iteration's round trip minus the engine time the server published for it, per call, over the canned round trip; "
        + "the model's variation and the drift between processes are out of it (docs/end-to-end.md, \"The paired check\"). "
        + "A real server's row has no canned row: it shows the remainder itself",
        14,
        cell => cell.Server is { Paired: { } p }
            ? cell.Canned is null
                ? PlusMinus(p.ProtocolMeanNs, p.ProtocolErrorNs)
                : DecompositionCheck.OfRemainder(p.ProtocolMeanNs, p.ProtocolErrorNs, cell.Canned.Mean, cell.Canned.Error)?.ToString() ?? "?"
            : NoFigures(cell.Server),
        servers: true);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (CaseOf(benchmarkCase) is not { } row
            || !(row.Backend == BackendFactory.Onnx || (_servers && row.Backend == RoundTripCase.Server))
            || benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(RoundTripBenchmarks.Infer))
        {
            return "-";
        }

        var onnx = Measured(summary, nameof(RoundTripBenchmarks.Infer), c => c == row);
        var inProcess = Measured(summary, nameof(RoundTripBenchmarks.InProcess), c => c.MeasuresInProcess && c.Payload == row.Payload && c.SendsFile == row.SendsFile);
        var canned = Measured(summary, nameof(RoundTripBenchmarks.Infer), c => c.Backend == BackendFactory.Canned && c.Scenario == row.Scenario && c.Payload == row.Payload);
        var server = ServerTimes.Of(benchmarkCase, row.ToString());
        return onnx is { Mean: > 0 } ? _value(new Cell(onnx, inProcess, canned, server)) : "?";
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

    /// <summary>'?' when the benchmark process left no figures, '-' when the server published none (its log says what was tried).</summary>
    private static string NoFigures(ServerTimes? server) => server is null ? "?" : "-";

    /// <summary>The three rows of one onnx cell, and what the row's benchmark process read from the server; in-process and canned are absent when the run filtered them out.</summary>
    private sealed record Cell(Estimate Onnx, Estimate? InProcess, Estimate? Canned, ServerTimes? Server);
}
