namespace ServingBench.Wire.Scenarios;

/// <summary>
/// A model input the suite sends, named <c>model-input</c> (<c>resnet50-tensor</c>). <paramref name="ModelName"/> names
/// the model's entry in the catalogue (ServingBench.Payloads' ModelCatalog), which builds the payload's tensors.
/// </summary>
public sealed record PayloadKind(string Name, string ModelName, string Description)
{
    /// <summary>FP32 [1,3,224,224] preprocessed photo (602,112 bytes raw).</summary>
    public static readonly PayloadKind Resnet50Tensor = new("resnet50-tensor", "resnet50", "photo, preprocessed to FP32 [1,3,224,224]");

    /// <summary>The photo's JPEG bytes; the server preprocesses, as TorchServe's image classifier does.</summary>
    public static readonly PayloadKind Resnet50Jpeg = new("resnet50-jpeg", "resnet50", "photo as JPEG bytes, preprocessed by the server");

    /// <summary>Speech as FP32 [1,N] at 16 kHz (TorchServe raw bodies carry the WAV file).</summary>
    public static readonly PayloadKind Wav2Vec2Audio = new("wav2vec2-audio", "wav2vec2", "speech, FP32 [1,N] at 16 kHz");

    /// <summary>An article as INT64 token ids [1,L] (TorchServe raw bodies carry the UTF-8 text).</summary>
    public static readonly PayloadKind BartText = new("bart-text", "bart", "article, INT64 BPE token ids [1,L]");

    public override string ToString() => Name;
}
