using Microsoft.ML.OnnxRuntime;

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

/// <summary>Whether an engine can run on a device in this build, and if not, why (printed instead of failing a run).</summary>
public static class EngineSupport
{
    public static string? WhyNot(EngineKind engine, Device device) => (engine, device) switch
    {
        (EngineKind.OnnxRuntime, Device.Cpu) => null,
        (EngineKind.OnnxRuntime, Device.Cuda) => OrtCudaAvailable()
            ? null
            : "ONNX Runtime has no CUDAExecutionProvider in this build (the CPU package Microsoft.ML.OnnxRuntime is referenced; build with -p:ServingBenchGpu=true where a registry serves Microsoft.ML.OnnxRuntime.Gpu, on a machine with CUDA 12 and cuDNN 9)",
        (EngineKind.TorchSharp, Device.Cpu) => TorchSharp.TorchRuntime.WhyNot(),
        (EngineKind.TorchSharp, Device.Cuda) => "TorchSharp here is the CPU build (libtorch-cpu-linux-x64); build with -p:ServingBenchGpu=true where a registry serves TorchSharp-cuda-linux, on a machine with CUDA",
        _ => $"unknown engine/device {engine}/{device}",
    };

    private static bool OrtCudaAvailable()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }
}
