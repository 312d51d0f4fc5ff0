using System.Text;

namespace ServingBench.Payloads.Postprocessing;

/// <summary>
/// Greedy CTC decoding for wav2vec2-base-960h: argmax per frame (lowest id on ties), collapse repeats, drop the blank,
/// '|' → space. The transcript TorchServe's speech handler answers, and what the in-process path decodes.
/// </summary>
public static class CtcDecoder
{
    /// <summary>The 32-token vocabulary in id order; &lt;pad&gt; (0) is the CTC blank, '|' the word delimiter.</summary>
    public static readonly IReadOnlyList<string> Vocabulary =
    [
        "<pad>", "<s>", "</s>", "<unk>", "|", "E", "T", "A", "O", "N", "I", "H", "S", "R", "D", "L",
        "U", "M", "W", "C", "F", "G", "Y", "P", "B", "V", "K", "'", "X", "J", "Q", "Z",
    ];

    /// <summary>Decodes logits [frames, 32] (batch 1, row-major).</summary>
    public static string Decode(ReadOnlySpan<float> logits, int frames)
    {
        int vocab = Vocabulary.Count;
        if (frames < 0 || logits.Length != (long)frames * vocab)
        {
            throw new ArgumentException($"CTC logits must be [{frames}, {vocab}] ({(long)frames * vocab} values), got {logits.Length}", nameof(logits));
        }

        var text = new StringBuilder();
        int previous = -1;
        for (int t = 0; t < frames; t++)
        {
            int id = Logits.ArgMax(logits.Slice(t * vocab, vocab));
            if (id != previous && id != 0)
            {
                string token = Vocabulary[id];
                text.Append(token switch
                {
                    "|" => " ",
                    "<s>" or "</s>" or "<unk>" => "",
                    _ => token,
                });
            }

            previous = id;
        }

        return text.ToString().Trim();
    }
}
