namespace ServingBench.Models.Processing;

/// <summary>An encoder-decoder with a KV cache, driven one token per row per step by <see cref="BartGenerator"/>.</summary>
public interface ISeq2SeqBackend : IDisposable
{
    int VocabSize { get; }

    /// <summary>Encodes <paramref name="inputIds"/> once and prepares <paramref name="rows"/> decoder rows (beams) with an empty cache.</summary>
    void Start(ReadOnlySpan<long> inputIds, int rows);

    /// <summary>Feeds one token per row; writes next-token logits [rows, VocabSize] into <paramref name="logits"/>.</summary>
    void Step(ReadOnlySpan<long> tokens, Span<float> logits);

    /// <summary>Row r of the cache becomes the old row <paramref name="sources"/>[r] (beam reordering).</summary>
    void ReorderCache(ReadOnlySpan<int> sources);
}
