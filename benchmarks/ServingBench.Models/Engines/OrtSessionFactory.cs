using Microsoft.ML.OnnxRuntime;

namespace ServingBench.Models.Engines;

/// <summary>Opens ONNX Runtime sessions with the project's settings and file-naming errors.</summary>
public static class OrtSessionFactory
{
    /// <param name="intraOpThreads">Threads of the session's intra-op pool; 0 keeps ONNX Runtime's default (one per physical core).</param>
    public static InferenceSession Open(string path, Device device, int intraOpThreads = 0)
    {
        string? why = EngineSupport.WhyNot(EngineKind.OnnxRuntime, device);
        if (why is not null)
        {
            throw new NotSupportedException(why);
        }

        // Framing check first: ORT's own message for a truncated file does not say which file.
        OnnxModelInfo.Read(path);
        SessionOptions? options = null;
        try
        {
            options = CreateOptions(device, intraOpThreads);
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            options?.Dispose();
            throw new InvalidDataException($"ONNX Runtime cannot load '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>The settings every session of the suite gets, so a ceiling measured with them matches the model rows.</summary>
    /// <param name="intraOpThreads">Threads of the session's intra-op pool; 0 keeps ONNX Runtime's default (one per physical core).</param>
    public static SessionOptions CreateOptions(Device device, int intraOpThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        if (device == Device.Cuda)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(0);
            }
            catch (OnnxRuntimeException)
            {
                options.Dispose();
                throw;
            }
        }

        return options;
    }
}
