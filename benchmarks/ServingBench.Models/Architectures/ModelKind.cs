namespace ServingBench.Models.Architectures;

public enum ModelKind
{
    ResNet50,
    Wav2Vec2,
    Bart,
}

/// <summary>Real: the published architecture. Tiny: the same graph structure at small widths and depths, for tests.</summary>
public enum ModelSize
{
    Real,
    Tiny,
}

/// <summary>One ONNX file of a model (BART has three) and how to build its graph.</summary>
public sealed record ModelPart(string FileName, Func<bool, OnnxGraph> Build);

/// <summary>An architecture: its parts, and its trainable parameter count computed from declarations alone.</summary>
public abstract class ModelArchitecture
{
    public abstract ModelKind Kind { get; }

    public abstract ModelSize Size { get; }

    public abstract IReadOnlyList<ModelPart> Parts { get; }

    public string Name => $"{Kind.ToString().ToLowerInvariant()}{(Size == ModelSize.Tiny ? "-tiny" : "")}";

    /// <summary>Trainable parameters, shared ones (BART's embedding) counted once, without allocating any weight.</summary>
    public long CountParameters() =>
        Parts.SelectMany(part => part.Build(false).Parameters)
            .Where(p => p.IsTrainable)
            .DistinctBy(p => p.Name)
            .Sum(p => p.ElementCount);

    public static ModelArchitecture Create(ModelKind kind, ModelSize size) => kind switch
    {
        ModelKind.ResNet50 => new ResNet50(size),
        ModelKind.Wav2Vec2 => new Wav2Vec2(size),
        ModelKind.Bart => new Bart(size),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown model"),
    };

    public static ModelKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "resnet50" => ModelKind.ResNet50,
        "wav2vec2" => ModelKind.Wav2Vec2,
        "bart" => ModelKind.Bart,
        _ => throw new ArgumentException($"unknown model '{name}' (expected resnet50, wav2vec2 or bart)", nameof(name)),
    };
}
