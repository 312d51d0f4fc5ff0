using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ServingBench.Benchmarks;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Performance;

namespace ServingBench.Config;

/// <summary>
/// Columns that put an InProcess row next to what the model's arithmetic allows on this host: the work per call,
/// the host's measured ceiling, the floor it implies, the row's multiple of it, and TorchSharp against ONNX
/// Runtime. Only real-size CPU rows get figures; tiny test models and CUDA rows show "-".
/// </summary>
public sealed class InProcessFloorColumn : CaseColumn<InProcessCase>
{
    private readonly Func<Summary, BenchmarkCase, InProcessCase, string> _value;

    private InProcessFloorColumn(string name, string legend, int priority, bool numeric, Func<Summary, BenchmarkCase, InProcessCase, string> value)
        : base(name, legend, priority, numeric)
    {
        _value = value;
    }

    public static InProcessFloorColumn Work { get; } = new(
        "Work", "Arithmetic per call (2 FLOP per multiply-add of every matrix product and convolution) and, for BART's decode steps, decoder weights streamed from memory", 0, false,
        (_, _, row) => Describe(ModelWork.ForInProcess(row.Model)));

    public static InProcessFloorColumn Ceiling { get; } = new(
        "Host ceiling", "This host's peak fp32 FMA throughput on all cores and its memory read bandwidth, measured when the report is written", 1, false,
        (_, _, _) => string.Create(CultureInfo.InvariantCulture, $"{HostCeiling.Current.Gflops:0} GFLOP/s, {HostCeiling.Current.GigabytesPerSecond:0.0} GB/s"));

    public static InProcessFloorColumn Floor { get; } = new(
        "Floor", "Work ÷ host ceiling: the shortest time the call could take here (compute at peak FMA rate; BART's steps at memory bandwidth)", 2, true,
        (_, _, row) => FormatTime(FloorOf(row)));

    public static InProcessFloorColumn TimesFloor { get; } = new(
        "× floor", "Mean ÷ Floor (1.00 would be the hardware's limit; the suite's target is ≤ 2)", 3, true,
        (summary, benchmark, row) => summary[benchmark]?.ResultStatistics is { } stats
            ? (stats.Mean / FloorOf(row).TotalNanoseconds).ToString("0.00", CultureInfo.InvariantCulture)
            : "-");

    public static InProcessFloorColumn TimesOnnxRuntime { get; } = new(
        "× onnxruntime", "Mean ÷ mean of the ONNX Runtime row of the same device and model (target for TorchSharp: ≤ 1.5)", 4, true,
        TimesOnnxRuntimeOf);

    public static IColumn[] All { get; } = [Work, Ceiling, Floor, TimesFloor, TimesOnnxRuntime];

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        CaseOf(benchmarkCase) is { Device: Device.Cpu } row && InProcessBenchmarks.SizeFromEnvironment() == ModelSize.Real
            ? _value(summary, benchmarkCase, row)
            : "-";

    private static TimeSpan FloorOf(InProcessCase row) => ModelWork.ForInProcess(row.Model).Floor(HostCeiling.Current);

    private static string TimesOnnxRuntimeOf(Summary summary, BenchmarkCase benchmark, InProcessCase row) =>
        RatioToReference(summary, benchmark, candidate => candidate == row with { Engine = EngineKind.OnnxRuntime });

    private static string Describe(ModelWork work) => work.StreamedGigabytes > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{work.ComputeGflop:0.#} GFLOP + {work.StreamedGigabytes:0} GB read")
        : string.Create(CultureInfo.InvariantCulture, $"{work.ComputeGflop:0.##} GFLOP");

    private static string FormatTime(TimeSpan time) => time.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0.0} ms");
}
