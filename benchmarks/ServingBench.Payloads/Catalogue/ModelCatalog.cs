namespace ServingBench.Payloads.Catalogue;

/// <summary>
/// The models the suite serves, one <see cref="CatalogueModel"/> entry each. The emulators serve every one of them,
/// each payload names its model, and backends and handlers look the entry up by the served model's name.
/// </summary>
public static class ModelCatalog
{
    public static CatalogueModel Resnet50 { get; } = new ImageClassifierModel("resnet50");

    public static CatalogueModel Wav2Vec2 { get; } = new Wav2Vec2Model();

    public static CatalogueModel Bart { get; } = new BartModel();

    /// <summary>The half-precision entries: the payloads whose FP32 tensors are the bulk of their bytes, served as FP16 and BF16.</summary>
    public static IReadOnlyList<CatalogueModel> HalfPrecisionEntries { get; } =
    [
        new HalfPrecisionModel(Resnet50, DataType.FP16), new HalfPrecisionModel(Resnet50, DataType.BF16),
        new HalfPrecisionModel(Wav2Vec2, DataType.FP16), new HalfPrecisionModel(Wav2Vec2, DataType.BF16),
    ];

    public static IReadOnlyList<CatalogueModel> All { get; } = [Resnet50, Wav2Vec2, Bart, .. HalfPrecisionEntries];

    /// <summary>The signatures the emulators publish, in catalogue order.</summary>
    public static IReadOnlyList<ModelSignature> Signatures { get; } = [.. All.Select(m => m.Signature)];

    /// <summary>The entry named <paramref name="modelName"/>, or null.</summary>
    public static CatalogueModel? Find(string modelName) => All.FirstOrDefault(m => m.Name == modelName);

    /// <exception cref="ArgumentException">No entry has that name; the message lists the known ones.</exception>
    public static CatalogueModel Get(string modelName) => Find(modelName)
        ?? throw new ArgumentException($"unknown model '{modelName}'; known: {string.Join(", ", All.Select(m => m.Name))}", nameof(modelName));
}
