using System.Text.Json.Serialization;

namespace ServingBench.Export;

/// <summary>
/// servingbench.json: what the Python side (the TorchServe handler, Triton's bart model) needs to know about the
/// model it serves, written by the export beside the Python files that read it.
/// </summary>
public sealed record HandlerSettings
{
    public const string FileName = "servingbench.json";

    /// <summary>The catalogue model: resnet50, wav2vec2 or bart.</summary>
    public required string Model { get; init; }

    /// <summary>The input a request fills (for BART, the served input_ids, not a part's).</summary>
    public required HandlerTensor Input { get; init; }

    public required HandlerTensor Output { get; init; }

    /// <summary>TorchServe: ONNX files by part ("model"; BART's "encoder", "decoder", "decoder_with_past").</summary>
    public IReadOnlyDictionary<string, string>? Files { get; init; }

    /// <summary>Triton: the part models BART's loop calls through BLS, with the outputs it asks each for.</summary>
    public IReadOnlyDictionary<string, HandlerPart>? Parts { get; init; }

    /// <summary>ImageNet labels file (ResNet50's top-5 answer).</summary>
    public string? Labels { get; init; }

    /// <summary>GPT-2 BPE files (BART's text input and summary answer).</summary>
    public string? Vocabulary { get; init; }

    public string? Merges { get; init; }

    /// <summary>Greedy steps per row of the served BART.</summary>
    public int? NewTokens { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static HandlerSettings FromJson(string json) =>
        JsonSerializer.Deserialize<HandlerSettings>(json, Json) ?? throw new InvalidDataException($"{FileName} is empty");

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };
}

/// <summary>A tensor as the Python side reads it: name, KServe datatype, shape with -1 for a variable size.</summary>
public sealed record HandlerTensor(string Name, string Datatype, IReadOnlyList<long> Shape)
{
    public static HandlerTensor From(TensorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(spec.Name, spec.DataType.ToKServeName(), spec.Shape);
    }
}

/// <summary>A Triton model the bart loop calls, and the outputs it requests.</summary>
public sealed record HandlerPart(string Model, IReadOnlyList<string> Outputs);
