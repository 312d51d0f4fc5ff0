namespace ServingBench.Wire.Scenarios;

/// <summary>
/// A model input the suite sends, named <c>model-input</c> (<c>resnet50-tensor</c>), or <c>model-input-type</c> for a
/// half-precision variant (<c>resnet50-tensor-fp16</c>), or <c>model-input-bB</c> for a batch of B different inputs
/// (<c>resnet50-tensor-b8</c>; batch 1 keeps the plain name, so published comparisons still match). <paramref name="ModelName"/> names the model's entry in the
/// catalogue (ServingBench.Payloads' ModelCatalog), which builds the payload's tensors.
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

    public static readonly PayloadKind Resnet50TensorFp16 = HalfOf(Resnet50Tensor, DataType.FP16);

    public static readonly PayloadKind Resnet50TensorBf16 = HalfOf(Resnet50Tensor, DataType.BF16);

    public static readonly PayloadKind Wav2Vec2AudioFp16 = HalfOf(Wav2Vec2Audio, DataType.FP16);

    public static readonly PayloadKind Wav2Vec2AudioBf16 = HalfOf(Wav2Vec2Audio, DataType.BF16);

    public static readonly PayloadKind Resnet50TensorB8 = BatchOf(Resnet50Tensor, 8);

    public static readonly PayloadKind Resnet50TensorB32 = BatchOf(Resnet50Tensor, 32);

    public static readonly PayloadKind Resnet50JpegB8 = BatchOf(Resnet50Jpeg, 8);

    public static readonly PayloadKind Resnet50JpegB32 = BatchOf(Resnet50Jpeg, 32);

    public static readonly PayloadKind BartTextB8 = BatchOf(BartText, 8);

    /// <summary>
    /// For a half-precision variant, the FP32 payload it is made from: the same tensors rounded to <see cref="HalfType"/>,
    /// sent to the model's half-precision entry. Null for the FP32 payloads.
    /// </summary>
    public PayloadKind? Twin { get; init; }

    /// <summary>FP16 or BF16: what the twin's FP32 tensors (input and answer) travel as; null for the FP32 payloads.</summary>
    public DataType? HalfType { get; init; }

    /// <summary>
    /// How many different inputs one request carries (dimension 0 of every tensor): 1, or B for a batch payload, whose
    /// <see cref="Single"/> is the batch-1 payload of the same model input.
    /// </summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>For a batch payload, the batch-1 payload it batches; null for batch 1.</summary>
    public PayloadKind? Single { get; init; }

    public override string ToString() => Name;

    /// <summary>The catalogue name of a model's half-precision entry (<c>resnet50_fp16</c>), as Triton model names read.</summary>
    public static string HalfModelName(string modelName, DataType type) => $"{modelName}_{type.ToKServeName().ToLowerInvariant()}";

    private static PayloadKind BatchOf(PayloadKind single, int batchSize) =>
        new($"{single.Name}-b{batchSize}", single.ModelName, $"{single.Description}, {batchSize} different inputs in one batch")
        {
            BatchSize = batchSize,
            Single = single,
        };

    private static PayloadKind HalfOf(PayloadKind twin, DataType type)
    {
        string suffix = type.ToKServeName().ToLowerInvariant();
        return new PayloadKind($"{twin.Name}-{suffix}", HalfModelName(twin.ModelName, type), $"{twin.Description}, sent as {type.ToKServeName()}")
        {
            Twin = twin,
            HalfType = type,
        };
    }
}
