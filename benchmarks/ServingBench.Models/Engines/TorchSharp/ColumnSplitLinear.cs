using TorchSharp;
using static TorchSharp.torch;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>
/// x·W + b for a few rows (a decode step: one row per beam) spread over every core. libtorch hands a product with
/// one row to BLAS gemv, which runs on a single thread: profiled on BART's decode steps, 37 % of the cycles were in
/// MKL's sgemv and 36 % in the second core spinning idle in libgomp, and the step streamed its weights at 17 GB/s.
/// Here W is stored once as [parts, in, out/parts] (one block of output columns per core) and one batched product
/// runs the blocks in parallel: 30 GB/s against 21 GB/s for the one-thread gemv on the same 400 MB of weights.
/// </summary>
public sealed class ColumnSplitLinear : IDisposable
{
    private readonly Tensor _blocks;
    private readonly Tensor _bias;
    private readonly long _inputs;
    private readonly long _outputs;
    private readonly long _parts;

    /// <param name="weight">[in, out], as the ONNX file stores it.</param>
    /// <param name="bias">[out], or null for none.</param>
    /// <param name="parts">Column blocks, normally the intra-op thread count; must divide out.</param>
    public ColumnSplitLinear(Tensor weight, Tensor? bias, long parts)
    {
        ArgumentNullException.ThrowIfNull(weight);
        (_inputs, _outputs, _parts) = (weight.shape[0], weight.shape[1], parts);
        if (parts < 1 || _outputs % parts != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts, $"must divide the {_outputs} output columns");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope(); // the reshaped views in between are freed with it
        _blocks = weight.reshape(_inputs, parts, _outputs / parts).permute(1, 0, 2).contiguous().DetachFromDisposeScope();
        _bias = (bias is null ? torch.zeros(parts, 1, _outputs / parts, device: weight.device) : bias.reshape(parts, 1, _outputs / parts).contiguous()).DetachFromDisposeScope();
    }

    /// <summary>
    /// Column blocks for this machine: on the CPU the thread count when it divides the width, else one block; on a
    /// GPU one block, the kernel spreading the columns itself.
    /// </summary>
    public static long PartsFor(long outputs, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        long threads = device.type == DeviceType.CPU ? torch.get_num_threads() : 1;
        return threads > 1 && outputs % threads == 0 ? threads : 1;
    }

    public Tensor Forward(Tensor x)
    {
        long[] shape = x.shape;
        var rows = x.reshape(1, -1, _inputs).expand(_parts, -1, -1);
        var blocks = torch.bmm(rows, _blocks).add_(_bias); // [parts, rows, out/parts]
        shape[^1] = _outputs;
        return blocks.permute(1, 0, 2).reshape(shape);
    }

    public void Dispose()
    {
        _blocks.Dispose();
        _bias.Dispose();
    }
}
