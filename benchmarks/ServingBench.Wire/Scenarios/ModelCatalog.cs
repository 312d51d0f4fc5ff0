using ServingBench.Wire.Tensors;

namespace ServingBench.Wire.Scenarios;

/// <summary>
/// The served models and their published signatures. Names follow the Hugging Face export names (docs/architecture.md);
/// clients read them from the server's metadata, these are what the emulators publish.
/// </summary>
public static class ModelCatalog
{
    public const string Resnet50 = "resnet50";
    public const string Wav2Vec2 = "wav2vec2";
    public const string Bart = "bart";

    /// <summary>ImageNet classifier: pixel_values FP32 [N,3,224,224] → logits FP32 [N,1000].</summary>
    public static readonly ModelSignature Resnet50Signature = new(
        Resnet50,
        [new TensorSpec("pixel_values", DataType.FP32, [-1, 3, 224, 224])],
        [new TensorSpec("logits", DataType.FP32, [-1, 1000])]);

    /// <summary>CTC speech recogniser: input_values FP32 [N,S] → logits FP32 [N,T,32], T = floor((S−400)/320)+1.</summary>
    public static readonly ModelSignature Wav2Vec2Signature = new(
        Wav2Vec2,
        [new TensorSpec("input_values", DataType.FP32, [-1, -1])],
        [new TensorSpec("logits", DataType.FP32, [-1, -1, 32])]);

    /// <summary>Summariser: input_ids INT64 [N,L] → generated output_ids INT64 [N,G].</summary>
    public static readonly ModelSignature BartSignature = new(
        Bart,
        [new TensorSpec("input_ids", DataType.Int64, [-1, -1])],
        [new TensorSpec("output_ids", DataType.Int64, [-1, -1])]);

    public static IReadOnlyList<ModelSignature> All { get; } = [Resnet50Signature, Wav2Vec2Signature, BartSignature];

    public static ModelSignature Get(string modelName) => All.FirstOrDefault(m => m.Name == modelName)
        ?? throw new ArgumentException($"unknown model '{modelName}'; known: {string.Join(", ", All.Select(m => m.Name))}", nameof(modelName));
}
