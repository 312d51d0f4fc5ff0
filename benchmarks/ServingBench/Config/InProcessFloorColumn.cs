using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using ServingBench.Benchmarks;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Performance;
using ServingBench.Reports.Composition;

namespace ServingBench.Config;

/// <summary>
/// Columns that put an InProcess row next to what the model's arithmetic allows on the row's device: the work per
/// call, the device's measured ceiling (the host's CPU, or the GPU measured through ONNX Runtime's CUDA provider),
/// the floor it implies, the row's multiple of it, and TorchSharp against ONNX Runtime. Only real-size rows get
/// figures (tiny test models show "-"), and ceiling-based ones only where the device's ceiling could be measured:
/// a cuda row without ONNX Runtime's CUDA provider or a GPU shows "-" there.
/// </summary>
/// <param name="needsCeiling">True for the columns that show "-" where the row's device ceiling could not be measured.</param>
public sealed class InProcessFloorColumn(
    string name, string legend, int priority, bool numeric, bool needsCeiling, Func<Summary, BenchmarkCase, InProcessCase, string> value)
    : CaseColumn<InProcessCase>(name, legend, priority, numeric)
{

    public static InProcessFloorColumn Work { get; } = new(
        SuiteColumns.Work, "Arithmetic per call (2 FLOP per multiply-add of every matrix product and convolution) and, for BART's decode steps, decoder weights streamed from memory", 0, false, false,
        (_, _, row) => Describe(ModelWork.ForInProcess(row.Model)) + (row.Batch > 1 ? $" × {row.Batch}" : string.Empty));

    public static InProcessFloorColumn Ceiling { get; } = new(
        SuiteColumns.HostCeiling, "The row's device at most, measured when the report is written: cpu rows this host's peak fp32 FMA throughput on all cores and memory read bandwidth; cuda rows the GPU's fp32 MatMul rate (TF32 where ONNX Runtime's CUDA provider uses it) and its memory traffic (read + write) on a large Add", 1, false, true,
        (_, _, row) => string.Create(CultureInfo.InvariantCulture, $"{CeilingOf(row)!.Gflops:0} GFLOP/s, {CeilingOf(row)!.GigabytesPerSecond:0.0} GB/s"));

    public static InProcessFloorColumn Floor { get; } = new(
        SuiteColumns.Floor, "Work ÷ host ceiling: the shortest time the call could take on the row's device (compute at peak rate; BART's steps at memory bandwidth)", 2, true, true,
        (_, _, row) => FormatTime(FloorOf(row)));

    public static InProcessFloorColumn TimesFloor { get; } = new(
        SuiteColumns.TimesFloor, "Mean ÷ Floor (1.00 would be the hardware's limit; the suite's target is ≤ 2 on the CPU, ≤ 3 for ONNX Runtime CUDA's ResNet50)", 3, true, true,
        (summary, benchmark, row) => summary[benchmark]?.ResultStatistics is { } stats
            ? (stats.Mean / FloorOf(row).TotalNanoseconds).ToString("0.00", CultureInfo.InvariantCulture)
            : "-");

    public static InProcessFloorColumn TimesOnnxRuntime { get; } = new(
        SuiteColumns.TimesOnnxRuntime, "Mean ÷ mean of the ONNX Runtime row of the same device and model (target for TorchSharp: ≤ 1.5)", 4, true, false,
        TimesOnnxRuntimeOf);

    public static IColumn[] All { get; } = [Work, Ceiling, Floor, TimesFloor, TimesOnnxRuntime];

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        CaseOf(benchmarkCase) is { } row && InProcessBenchmarks.SizeFromEnvironment() == ModelSize.Real && (!needsCeiling || CeilingOf(row) is not null)
            ? value(summary, benchmarkCase, row)
            : "-";

    /// <summary>The row's device's ceiling; null for a GPU that could not be measured (no CUDA provider or no GPU here).</summary>
    private static ICeiling? CeilingOf(InProcessCase row) => row.Device == Device.Cuda ? DeviceCeiling.Cuda : HostCeiling.Current;

    private static TimeSpan FloorOf(InProcessCase row) => ModelWork.ForInProcess(row.Model).Floor(CeilingOf(row)!) * row.Batch;

    private static string TimesOnnxRuntimeOf(Summary summary, BenchmarkCase benchmark, InProcessCase row) =>
        RatioToReference(summary, benchmark, candidate => candidate == row with { Engine = EngineKind.OnnxRuntime });

    private static string Describe(ModelWork work) => work.StreamedGigabytes > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{work.ComputeGflop:0.#} GFLOP + {work.StreamedGigabytes:0} GB read")
        : string.Create(CultureInfo.InvariantCulture, $"{work.ComputeGflop:0.##} GFLOP");

    private static string FormatTime(TimeSpan time) => time.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0.0} ms");
}
