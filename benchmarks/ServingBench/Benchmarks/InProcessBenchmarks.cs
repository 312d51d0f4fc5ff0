using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Store;

namespace ServingBench.Benchmarks;

/// <summary>
/// The in-process floor: the model call alone, no protocol. Engine × device × model; cases the build or machine
/// cannot run (CUDA without a CUDA package or a GPU) are left out by <see cref="RunnableCases"/>, and Program
/// prints why once when a filter asks for them.
/// </summary>
/// <remarks>
/// One warm-up and 5 to 20 measured iterations: a BART case is ≈5 s per call on 2 cores, so it must be able to stop
/// after five; a ResNet50 call (≈60 ms, one per iteration) needs about twenty to bring this VM's ±15 % spread between
/// calls under the 4 % target, which costs it a second more.
/// </remarks>
[BenchmarkCategory(Categories.InProcess)]
[SuiteJob(warmupCount: 1, minIterationCount: 5, maxIterationCount: 20)]
[Config(typeof(FloorColumnsAndWideCaseNames))]
public class InProcessBenchmarks
{
    /// <summary>
    /// The floor columns (work, host ceiling, floor, × floor, × onnxruntime); and case names such as
    /// torchsharp-cpu-wav2vec2 exceed BenchmarkDotNet's default 20-character column.
    /// </summary>
    private sealed class FloorColumnsAndWideCaseNames : ManualConfig
    {
        public FloorColumnsAndWideCaseNames()
        {
            SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(32);
            AddColumn(InProcessFloorColumn.All);
        }
    }

    private InProcessRunner? _runner;

    [ParamsSource(nameof(Cases))]
    public InProcessCase Case { get; set; } = new(EngineKind.OnnxRuntime, Device.Cpu, ModelKind.ResNet50);

    /// <summary>
    /// Real models unless a test asks for tiny ones (directly, or through SERVINGBENCH_MODEL_SIZE=tiny when the
    /// class runs under BenchmarkDotNet, which creates the instance itself).
    /// </summary>
    public ModelSize Size { get; set; } = SizeFromEnvironment();

    public const string SizeVariable = RunSettings.ModelSizeVariable;

    public ModelStore? Store { get; set; }

    /// <summary>Every engine × device × model, runnable or not, so case indices are the same in every process.</summary>
    public static IEnumerable<InProcessCase> Cases() => InProcessCase.All();

    public static ModelSize SizeFromEnvironment() => RunSettings.InProcessModelSize();

    [GlobalSetup]
    public void Setup()
    {
        _runner = new InProcessRunner(Case.Engine, Case.Device, Case.Model, Size, Store ?? RunSettings.ModelStore(), Case.Batch);
        _runner.Infer(); // first call allocates ORT's arenas; keep it out of the pilot stage
    }

    [Benchmark]
    public object Infer() => _runner!.Infer();

    [GlobalCleanup]
    public void Cleanup() => _runner?.Dispose();
}

/// <summary>engine-device-model, e.g. onnxruntime-cpu-resnet50; a batch adds -bB (onnxruntime-cpu-resnet50-b8).</summary>
public sealed record InProcessCase(EngineKind Engine, Device Device, ModelKind Model, int Batch = 1)
{
    /// <summary>
    /// ONNX Runtime's ResNet50 at batch 8 beside batch 1: the engine's own batching gain (items per second), which
    /// predicts what a batching server can gain under load (issue 19, docs/batching.md).
    /// </summary>
    public const int EngineBatch = 8;

    public static IEnumerable<InProcessCase> All() =>
        (from engine in Enum.GetValues<EngineKind>()
         from device in Enum.GetValues<Device>()
         from model in Enum.GetValues<ModelKind>()
         select new InProcessCase(engine, device, model))
        .Concat(from device in Enum.GetValues<Device>() select new InProcessCase(EngineKind.OnnxRuntime, device, ModelKind.ResNet50, EngineBatch));

    /// <summary>Null when this build can run the row here, else why not (read from files; nothing is loaded).</summary>
    public string? WhyNot => EngineSupport.WhyNot(Engine, Device);

    public override string ToString() =>
        $"{Engine.ToString().ToLowerInvariant()}-{Device.ToString().ToLowerInvariant()}-{Model.ToString().ToLowerInvariant()}{(Batch > 1 ? $"-b{Batch}" : string.Empty)}";
}
