using Microsoft.ML.OnnxRuntime;
using ServingBench.Models.Onnx;

namespace ServingBench.Models.Engines;

/// <summary>Opens ONNX Runtime sessions with the project's settings and file-naming errors.</summary>
public static class OrtSessionFactory
{
    public static InferenceSession Open(string path, Device device)
    {
        string? why = EngineSupport.WhyNot(EngineKind.OnnxRuntime, device);
        if (why is not null)
        {
            throw new NotSupportedException(why);
        }

        // Framing check first: ORT's own message for a truncated file does not say which file.
        OnnxModelInfo.Read(path);
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (device == Device.Cuda)
            {
                options.AppendExecutionProvider_CUDA(0);
            }

            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            options.Dispose();
            throw new InvalidDataException($"ONNX Runtime cannot load '{path}': {ex.Message}", ex);
        }
    }
}
