using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Payloads;

// STUB (synthetic data) until the real fixtures and preprocessing land.
public static class PayloadFactory
{
    public static Payload Get(PayloadKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var model = ModelCatalog.Get(kind.ModelName);
        var rng = new Random(12345);
        Tensor input = kind == PayloadKind.BartText
            ? Tensor.FromInt64s("input_ids", [1, 900], Enumerable.Range(0, 900).Select(_ => (long)rng.Next(50000)).ToArray())
            : kind == PayloadKind.Wav2Vec2Audio
                ? Tensor.FromFloats("input_values", [1, 123016], Enumerable.Range(0, 123016).Select(_ => (float)rng.NextDouble()).ToArray())
                : Tensor.FromFloats("pixel_values", [1, 3, 224, 224], Enumerable.Range(0, 150528).Select(_ => (float)rng.NextDouble()).ToArray());
        Tensor output = kind == PayloadKind.BartText
            ? Tensor.FromInt64s("output_ids", [1, 142], Enumerable.Range(0, 142).Select(_ => (long)rng.Next(50000)).ToArray())
            : kind == PayloadKind.Wav2Vec2Audio
                ? Tensor.FromFloats("logits", [1, 383, 32], Enumerable.Range(0, 383 * 32).Select(_ => (float)rng.NextDouble()).ToArray())
                : Tensor.FromFloats("logits", [1, 1000], Enumerable.Range(0, 1000).Select(_ => (float)rng.NextDouble()).ToArray());
        return new Payload
        {
            Kind = kind,
            Model = model,
            TensorRequest = new InferenceRequest { ModelName = model.Name, Inputs = [input] },
            FileRequest = kind == PayloadKind.Resnet50Jpeg ? new InferenceRequest { ModelName = model.Name, Inputs = [Tensor.FromBytesElements("data", [1], [new byte[] { 0xFF, 0xD8, 0xFF, 1, 2, 3 }])] } : null,
            Response = new InferenceResponse { ModelName = model.Name, Outputs = [output] },
        };
    }
}
