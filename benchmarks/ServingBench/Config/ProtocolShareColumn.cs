using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ServingBench.Benchmarks;
using ServingBench.Composition;

namespace ServingBench.Config;

/// <summary>
/// The protocol's share of a real inference, on each onnx <c>Infer</c> row: the in-process time of the same model,
/// input and backend (the payload's <c>InProcess</c> row), the share of the round trip that is not the model, and
/// the check that this remainder is the protocol cost the canned row of the same scenario measures.
/// </summary>
/// <remarks>
/// Check: (onnx round trip − in-process) ÷ canned round trip should read 1.00 within noise (target 0.80–1.20): the
/// canned backend does the same decoding, validation and encoding with zero compute, so it is the protocol alone.
/// </remarks>
public sealed class ProtocolShareColumn : CaseColumn<RoundTripCase>
{
    private readonly Func<double, double, double, string> _value;

    private ProtocolShareColumn(string name, string legend, int priority, Func<double, double, double, string> value)
        : base(name, legend, priority)
    {
        _value = value;
    }

    public static ProtocolShareColumn InProcessMean { get; } = new(
        "In-process",
        "Mean of the payload's InProcess row: the same onnx backend called directly with the same request (no protocol). " + OnnxBackend.ThreadBudget,
        10,
        (inProcess, _, _) => Milliseconds(inProcess));

    public static ProtocolShareColumn Share { get; } = new(
        "Protocol share",
        "(onnx round trip − in-process) ÷ onnx round trip: the part of a real inference's round trip that is protocol",
        11,
        (inProcess, onnx, _) => ((onnx - inProcess) / onnx).ToString("P1", CultureInfo.InvariantCulture));

    public static ProtocolShareColumn DecompositionCheck { get; } = new(
        "(onnx − in-process) ÷ canned",
        "The remainder of the onnx round trip over the canned round trip of the same scenario and payload: 1.00 when the decomposition holds (target 0.80–1.20)",
        12,
        (inProcess, onnx, canned) => canned > 0 ? ((onnx - inProcess) / canned).ToString("0.00", CultureInfo.InvariantCulture) : "?");

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (CaseOf(benchmarkCase) is not { Backend: BackendFactory.Onnx } row
            || benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(RoundTripBenchmarks.Infer))
        {
            return "-";
        }

        double? onnx = Mean(summary, nameof(RoundTripBenchmarks.Infer), c => c == row);
        double? inProcess = Mean(summary, nameof(RoundTripBenchmarks.InProcess), c => c.MeasuresInProcess && c.Payload == row.Payload && c.SendsFile == row.SendsFile);
        double? canned = Mean(summary, nameof(RoundTripBenchmarks.Infer), c => c.Backend == BackendFactory.Canned && c.Scenario == row.Scenario && c.Payload == row.Payload);
        return onnx is > 0 && inProcess is { } floor ? _value(floor, onnx.Value, canned ?? 0) : "?";
    }

    private static double? Mean(Summary summary, string method, Func<RoundTripCase, bool> pick)
    {
        var match = summary.BenchmarksCases.FirstOrDefault(b => b.Descriptor.WorkloadMethod.Name == method && CaseOf(b) is { } c && pick(c));
        return match is null ? null : summary[match]?.ResultStatistics?.Mean;
    }

    private static string Milliseconds(double nanoseconds) => (nanoseconds / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " ms";
}
