namespace ServingBench.Models.Store;

public enum ModelSource
{
    /// <summary>Built here from the architecture with seeded weights.</summary>
    Generated,

    /// <summary>A real export the user dropped into models/.</summary>
    UserExport,
}

/// <summary>A model ready to load: where its files are, where they came from, and the tensor names they declare.</summary>
public sealed record ResolvedModel(ModelKind Kind, ModelSize Size, ModelSource Source, string Directory, IReadOnlyList<OnnxModelInfo> Files)
{
    /// <summary>The single-file model's path (ResNet50, Wav2Vec2) or the first part's.</summary>
    public string MainFile => Files[0].Path;

    public string InputName => Files[0].Inputs[0].Name;

    public string OutputName => Files[0].Outputs[0].Name;
}
