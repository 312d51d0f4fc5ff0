using ServingBench.Composition;
using ServingBench.Models.Architectures;
using ServingBench.Tests.Models;

namespace ServingBench.Tests.Encodings;

/// <summary>
/// The onnx backend's half-precision models (the FP32 file with a Cast at the input and the output) answer what the
/// FP32 model answers on the same rounded input, within one rounding step of the half type: the Cast in is exact, so
/// only the Cast out rounds (a step, not half of one, allows for the two engines' rounding of ties).
/// </summary>
public sealed class HalfModelTests : IDisposable
{
    private const int Seed = 12345; // same seed, repeatable inputs

    private readonly OnnxBackend _backend = new(TinyModels.Store, ModelSize.Tiny, workers: 1, intraOpThreads: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData("resnet50", DataType.FP16)]
    [InlineData("resnet50", DataType.BF16)]
    [InlineData("wav2vec2", DataType.FP16)]
    [InlineData("wav2vec2", DataType.BF16)]
    public async Task Half_Model_Answers_The_Fp32_Models_Answer_Rounded(string model, DataType type)
    {
        TinyModels.Get(ModelArchitecture.ParseKind(model));
        var full = _backend.Signature(model);
        var half = _backend.Signature(PayloadKind.HalfModelName(model, type));
        long[] shape = [1, .. full.Inputs[0].Shape.Skip(1).Select(d => d > 0 ? d : 2000)];
        var random = new Random(Seed);
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var rounded = HalfPrecision.Narrow(Tensor.FromFloats(full.Inputs[0].Name, shape, values), type);
        var reference = (await _backend.InferAsync(full, Request(full, HalfPrecision.Widen(rounded)), CancellationToken.None)).Outputs[0];
        var answer = (await _backend.InferAsync(half, Request(half, rounded), CancellationToken.None)).Outputs[0];

        Assert.Equal(type, answer.DataType);
        Assert.Equal(half.Outputs[0].DataType, answer.DataType);
        Assert.Equal(reference.Shape.ToArray(), answer.Shape.ToArray());
        var expected = reference.AsSpan<float>();
        var widened = HalfPrecision.Widen(answer).AsSpan<float>();
        float step = 2 * HalfPrecision.RelativeRounding(type);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(widened[i] - expected[i]) <= step * Math.Abs(expected[i]) + HalfPrecision.AbsoluteRounding(type) * 2,
                $"{model} {type}: element {i} is {widened[i]}, the FP32 model's {expected[i]}");
        }
    }

    private static InferenceRequest Request(ModelSignature model, Tensor input) => new() { ModelName = model.Name, Inputs = [input.WithName(model.Inputs[0].Name)] };
}
