namespace ServingBench.Models.Processing;

/// <summary>
/// Generation settings with bart-large-cnn's defaults (generation_config.json). Lengths count the decoder start
/// token, as Hugging Face counts them.
/// </summary>
public sealed record GenerationOptions
{
    public int NumBeams { get; init; } = 4;

    public int MaxLength { get; init; } = 142;

    public int MinLength { get; init; } = 56;

    public float LengthPenalty { get; init; } = 2.0f;

    public int NoRepeatNgramSize { get; init; } = 3;

    public bool EarlyStopping { get; init; } = true;

    public int DecoderStartTokenId { get; init; } = 2;

    public int? ForcedBosTokenId { get; init; } = 0;

    public int? ForcedEosTokenId { get; init; } = 2;

    public int EosTokenId { get; init; } = 2;

    /// <summary>Benchmark mode: exactly this many new tokens, greedy, no stopping and no logits processing.</summary>
    public int? FixedNewTokens { get; init; }

    public static GenerationOptions BartLargeCnn => new();

    public static GenerationOptions Greedy => new() { NumBeams = 1 };

    public static GenerationOptions Fixed(int newTokens) => new() { NumBeams = 1, FixedNewTokens = newTokens };

    internal void Validate()
    {
        if (NumBeams < 1 || MaxLength < 2 || MinLength < 0 || MinLength > MaxLength || NoRepeatNgramSize < 0 || FixedNewTokens is < 1)
        {
            throw new ArgumentException($"invalid generation options: {this}");
        }
    }
}
