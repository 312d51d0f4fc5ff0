using TorchSharp;
using static TorchSharp.torch;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>
/// ResNet50 or Wav2Vec2 in TorchSharp with weights and a prepared input tensor on the device; <see cref="Run"/>
/// writes logits into <see cref="Output"/> (on a GPU, after the device has finished).
/// </summary>
public sealed class TorchSingleTensorModel : IDisposable
{
    private readonly TorchWeights _weights;
    private readonly Tensor _input;
    private readonly Func<Tensor, Tensor> _forward;

    public TorchSingleTensorModel(string path, ModelArchitecture architecture, float[] input, long[] inputShape, long[] outputShape, Device device)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        _weights = new TorchWeights([path], device);
        _forward = architecture switch
        {
            ResNet50 resnet => new TorchResNet50(_weights, resnet).Forward,
            Wav2Vec2 wav2vec2 => new TorchWav2Vec2(_weights, wav2vec2).Forward,
            _ => throw new ArgumentException($"{architecture.Name} is not a single-tensor model", nameof(architecture)),
        };
        _input = TorchRuntime.OnDevice(torch.tensor(input, inputShape), _weights.Device);
        Output = new float[outputShape.Aggregate(1L, (a, b) => a * b)];
    }

    public float[] Output { get; }

    public void Run()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var result = _forward(_input);
        if (result.numel() != Output.Length)
        {
            throw new InvalidOperationException($"TorchSharp produced {result.numel()} values, expected {Output.Length}");
        }

        TorchRuntime.CopyToHost(result, Output);
    }

    public void Dispose()
    {
        _input.Dispose();
        _weights.Dispose();
    }
}
