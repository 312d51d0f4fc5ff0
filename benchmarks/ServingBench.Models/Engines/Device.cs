namespace ServingBench.Models.Engines;

public enum Device
{
    Cpu,
    Cuda,
}

public enum EngineKind
{
    OnnxRuntime,
    TorchSharp,
}

/// <summary>
/// Whether an engine can run on a device in this build on this machine, and if not, why (printed instead of failing
/// a run). Answers from the application's files and the machine's driver only: asking loads and changes nothing.
/// </summary>
public static class EngineSupport
{
    public static string? WhyNot(EngineKind engine, Device device) => (engine, device) switch
    {
        (EngineKind.OnnxRuntime, Device.Cpu) => null,
        (EngineKind.OnnxRuntime, Device.Cuda) => WhyNotOrtCuda(),
        (EngineKind.TorchSharp, _) => TorchSharp.TorchRuntime.WhyNot(device),
        _ => $"unknown engine/device {engine}/{device}",
    };

    private static string? WhyNotOrtCuda() =>
        NativeFiles.Exists(AppContext.BaseDirectory, NativeFiles.LibraryFileName("onnxruntime_providers_cuda"))
            ? NativeFiles.WhyNoCudaDriver()
            : "ONNX Runtime has no CUDA execution provider in this build, the CPU package being referenced; build with -p:ServingBenchGpu=true and run on a machine with an NVIDIA driver, CUDA 13 and cuDNN 9";
}
