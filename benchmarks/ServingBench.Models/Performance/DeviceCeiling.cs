using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ServingBench.Models.Engines;

namespace ServingBench.Models.Performance;

/// <summary>
/// What an ONNX Runtime device can do at most, measured on it the way <see cref="HostCeiling"/> measures the CPU:
/// the rate of one large square fp32 MatMul, and the memory traffic of one large elementwise Add (two reads and one
/// write per element). Both run in sessions with the suite's settings (<see cref="OrtSessionFactory.CreateOptions"/>),
/// so where the CUDA provider multiplies in TF32 the ceiling is TF32's, as the model rows' is. Operands live on the
/// device (bound once, filled by a device-side Expand), so no host copy is timed; each run ends synchronised.
/// </summary>
/// <remarks>
/// <see cref="Cuda"/> is the ceiling of the GPU's <c>× floor</c> column. It needs a GPU, so here, on a machine
/// without one, it is null and the column shows "-"; the same code measures the CPU (tests run it small), which is
/// what keeps it exercised.
/// </remarks>
/// <param name="Gflops">MatMul rate, 10⁹ FLOP/s (2 per multiply-add).</param>
/// <param name="GigabytesPerSecond">Add traffic, 10⁹ B/s (bytes read plus bytes written).</param>
/// <param name="Device">The device measured.</param>
public sealed record DeviceCeiling(double Gflops, double GigabytesPerSecond, Device Device) : ICeiling
{
    /// <summary>Sizes for a GPU: an 8192² MatMul (1.1 TFLOP, 768 MB of operands) and 128 Mi-element Adds (1.5 GB moved), far beyond any L2.</summary>
    public const int GpuMatrixSize = 8192;

    public const long GpuAddElements = 128L << 20;

    private static readonly Lazy<DeviceCeiling?> MeasuredCuda = new(() =>
        EngineSupport.WhyNot(EngineKind.OnnxRuntime, Device.Cuda) is null ? Measure(Device.Cuda, GpuMatrixSize, GpuAddElements, repeats: 10) : null);

    /// <summary>The GPU's ceiling, measured once per process on first use; null where no CUDA row can run.</summary>
    public static DeviceCeiling? Cuda => MeasuredCuda.Value;

    /// <summary>Best of <paramref name="repeats"/> timed runs of each kernel after one untimed run.</summary>
    public static DeviceCeiling Measure(Device device, int matrixSize, long addElements, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(matrixSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(addElements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        long n = matrixSize;
        double matMulSeconds = BestSeconds(device, "MatMul", [n, n], repeats);
        double addSeconds = BestSeconds(device, "Add", [addElements], repeats);
        return new DeviceCeiling(2.0 * n * n * n / matMulSeconds / 1e9, 3.0 * sizeof(float) * addElements / addSeconds / 1e9, device);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{Gflops:0} GFLOP/s fp32 MatMul, {GigabytesPerSecond:0} GB/s ({Device.ToString().ToLowerInvariant()})");

    /// <summary>Times <c>c = op(a, b)</c> over operands of <paramref name="shape"/> that never leave the device.</summary>
    private static double BestSeconds(Device device, string op, long[] shape, int repeats)
    {
        using var fill = Session(FillGraph(shape.Length), device);
        using var kernel = Session(KernelGraph(op, shape.Length), device);
        using var gpuMemory = device == Device.Cuda
            ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default)
            : null;
        using var allocator = new OrtAllocator(kernel, gpuMemory ?? OrtMemoryInfo.DefaultInstance);
        using var a = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, shape);
        using var b = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, shape);
        using var c = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, shape);
        using var runOptions = new RunOptions();

        // Small normal values: 1/n keeps MatMul sums near one, and no denormal can slow a CPU run.
        float value = 1f / shape[^1];
        using var scalar = OrtValue.CreateTensorValueFromMemory(new[] { value }, [1]);
        using var target = OrtValue.CreateTensorValueFromMemory(shape.ToArray(), [shape.Length]);
        foreach (var operand in (OrtValue[])[a, b])
        {
            using var binding = fill.CreateIoBinding();
            binding.BindInput("x", scalar);
            binding.BindInput("shape", target);
            binding.BindOutput("y", operand);
            fill.RunWithBinding(runOptions, binding);
            binding.SynchronizeBoundOutputs();
        }

        using var run = kernel.CreateIoBinding();
        run.BindInput("a", a);
        run.BindInput("b", b);
        run.BindOutput("c", c);
        double best = double.MaxValue;
        for (int i = 0; i <= repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            kernel.RunWithBinding(runOptions, run);
            run.SynchronizeBoundOutputs();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (i > 0)
            {
                best = Math.Min(best, seconds); // the first run pays for kernel selection and workspace
            }
        }

        return best;
    }

    private static InferenceSession Session(ModelProto model, Device device)
    {
        var options = OrtSessionFactory.CreateOptions(device);
        try
        {
            return new InferenceSession(model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException)
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary><c>y = Expand(x, shape)</c>: fills a device buffer from one host scalar.</summary>
    private static ModelProto FillGraph(int rank)
    {
        var graph = new OnnxGraph("fill", materialize: true, seed: 0);
        graph.Input("x", TensorProto.Types.DataType.Float, 1L);
        graph.Input("shape", TensorProto.Types.DataType.Int64, (long)rank);
        graph.Op("Expand", ["x", "shape"], "y");
        graph.Output("y", TensorProto.Types.DataType.Float, Dims("y", rank));
        return graph.ToModel();
    }

    /// <summary><c>c = op(a, b)</c> over symbolic dimensions, so one graph serves every size.</summary>
    private static ModelProto KernelGraph(string op, int rank)
    {
        var graph = new OnnxGraph(op, materialize: true, seed: 0);
        graph.Input("a", TensorProto.Types.DataType.Float, Dims("a", rank));
        graph.Input("b", TensorProto.Types.DataType.Float, Dims("b", rank));
        graph.Op(op, ["a", "b"], "c");
        graph.Output("c", TensorProto.Types.DataType.Float, Dims("c", rank));
        return graph.ToModel();
    }

    private static object[] Dims(string tensor, int rank) => [.. Enumerable.Range(0, rank).Select(i => (object)$"{tensor}{i}")];
}
