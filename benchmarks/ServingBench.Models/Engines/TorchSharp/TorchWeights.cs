using System.Runtime.InteropServices;
using ServingBench.Models.Onnx;
using ServingBench.Models.Onnx.Proto;
using TorchSharp;
using static TorchSharp.torch;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>The float initializers of ONNX files as torch tensors, by name: both engines run identical weights.</summary>
public sealed class TorchWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    public TorchWeights(IEnumerable<string> onnxFiles)
    {
        ArgumentNullException.ThrowIfNull(onnxFiles);
        TorchRuntime.EnsureLoaded();
        foreach (string path in onnxFiles)
        {
            OnnxModelInfo.Read(path); // clear error naming the file if it is damaged
            ModelProto model;
            using (var stream = File.OpenRead(path))
            {
                model = ModelProto.Parser.ParseFrom(stream);
            }

            foreach (var initializer in model.Graph.Initializer)
            {
                if (initializer.DataType != (int)TensorProto.Types.DataType.Float || _tensors.ContainsKey(initializer.Name))
                {
                    continue;
                }

                var values = initializer.RawData.Length > 0
                    ? MemoryMarshal.Cast<byte, float>(initializer.RawData.Span).ToArray()
                    : [.. initializer.FloatData];
                _tensors[initializer.Name] = torch.tensor(values, [.. initializer.Dims]);
            }
        }
    }

    public Tensor this[string name] => _tensors.TryGetValue(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"weight '{name}' is not among the ONNX initializers (a real export may name it differently)");

    /// <summary>Drops a weight an engine has re-laid out for itself, so the model is not held twice.</summary>
    public void Remove(string name)
    {
        if (_tensors.Remove(name, out var tensor))
        {
            tensor.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }

        _tensors.Clear();
    }
}

/// <summary>Loads TorchSharp's native backend once, after making its glue library loadable on older libstdc++.</summary>
public static class TorchRuntime
{
    private static readonly Lock LoadLock = new();
    private static bool _loaded;

    public static void EnsureLoaded()
    {
        lock (LoadLock)
        {
            if (_loaded)
            {
                return;
            }

            LibTorchSharpCompat.EnsurePatched();
            NativeAllocatorTuning.Apply();
            torch.InitializeDeviceType(DeviceType.CPU);
            _loaded = true;
        }
    }

    /// <summary>Null when TorchSharp loads here, else why not.</summary>
    public static string? WhyNot()
    {
        try
        {
            EnsureLoaded();
            return null;
        }
        catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException or TypeInitializationException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return $"TorchSharp's native backend did not load: {ex.Message}";
        }
    }
}
