using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>
/// The float initializers of ONNX files as torch tensors on the engine's device, by name: both engines run
/// identical weights. Tensors an engine makes per call (inputs, token ids) go to <see cref="Device"/> too.
/// </summary>
public sealed class TorchWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    public TorchWeights(IEnumerable<string> onnxFiles, Device device)
    {
        ArgumentNullException.ThrowIfNull(onnxFiles);
        Device = TorchRuntime.EnsureLoaded(device);
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
                _tensors[initializer.Name] = TorchRuntime.OnDevice(torch.tensor(values, [.. initializer.Dims]), Device);
            }
        }
    }

    /// <summary>Where the weights live; inputs must be created there too.</summary>
    public torch.Device Device { get; }

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

/// <summary>
/// Loads TorchSharp's native backend for a device, once, after making its glue library loadable on older
/// libstdc++; and says, without loading or changing anything, whether it could.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock LoadLock = new();
    private static bool _cpuLoaded;
    private static bool _cudaLoaded;

    /// <summary>
    /// Loads the backend (patching the glue library and tuning the allocator on first use: see
    /// <see cref="LibTorchSharpCompat"/> and <see cref="NativeAllocatorTuning"/>) and returns the torch device.
    /// Called from engine setup only, never while cases are listed or skipped.
    /// </summary>
    public static torch.Device EnsureLoaded(Device device = Device.Cpu)
    {
        lock (LoadLock)
        {
            if (!_cpuLoaded)
            {
                LibTorchSharpCompat.EnsurePatched();
                NativeAllocatorTuning.Apply();
                torch.InitializeDeviceType(DeviceType.CPU);
                _cpuLoaded = true;
            }

            if (device == Device.Cuda && !_cudaLoaded)
            {
                torch.InitializeDeviceType(DeviceType.CUDA);
                if (!torch.cuda.is_available())
                {
                    throw new NotSupportedException("TorchSharp's CUDA backend loaded, but torch.cuda.is_available() is false (no usable GPU or driver)");
                }

                _cudaLoaded = true;
            }
        }

        return device == Device.Cuda ? torch.CUDA : torch.CPU;
    }

    /// <summary>
    /// Null when this build carries TorchSharp's native backend for <paramref name="device"/> (and, for CUDA, the
    /// machine has an NVIDIA driver), else why not. Reads file names only: listing cases loads, patches and tunes nothing.
    /// </summary>
    public static string? WhyNot(Device device) => WhyNot(device, AppContext.BaseDirectory);

    /// <summary><see cref="WhyNot(Device)"/> for an application folder other than this one's.</summary>
    public static string? WhyNot(Device device, string appDirectory)
    {
        string glue = NativeFiles.LibraryFileName("LibTorchSharp");
        if (!NativeFiles.Exists(appDirectory, glue) || !NativeFiles.Exists(appDirectory, NativeFiles.LibraryFileName("torch")))
        {
            return $"TorchSharp's native backend, {glue} and libtorch, is not in this build for {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}; the libtorch-cpu-linux-x64 package serves Linux x64";
        }

        if (device == Device.Cpu)
        {
            return null;
        }

        if (!NativeFiles.Exists(appDirectory, NativeFiles.LibraryFileName("torch_cuda")))
        {
            return "TorchSharp here is the CPU build, libtorch-cpu-linux-x64; build with -p:ServingBenchTorchCuda=true where a feed serves TorchSharp-cuda-linux";
        }

        return NativeFiles.WhyNoCudaDriver();
    }

    /// <summary>Moves a freshly made CPU tensor to <paramref name="device"/>, freeing the CPU copy; on the CPU, returns it as it is.</summary>
    public static Tensor OnDevice(Tensor tensor, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CPU)
        {
            return tensor;
        }

        var moved = tensor.to(device);
        tensor.Dispose();
        return moved;
    }

    /// <summary>
    /// Copies a result into host memory. On a GPU the copy waits for the kernels that produce it, and the
    /// synchronize makes sure nothing queued is still running when the caller's clock stops.
    /// </summary>
    public static void CopyToHost(Tensor result, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.device_type == DeviceType.CPU)
        {
            result.data<float>().CopyTo(destination);
            return;
        }

        using var host = result.cpu();
        torch.cuda.synchronize();
        host.data<float>().CopyTo(destination);
    }
}
