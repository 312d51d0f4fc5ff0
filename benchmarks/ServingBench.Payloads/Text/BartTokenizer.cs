using Microsoft.ML.Tokenizers;

namespace ServingBench.Payloads.Text;

/// <summary>
/// BART's encoder input: byte-level BPE ids wrapped in &lt;s&gt; (0) … &lt;/s&gt; (2), at most 1024 tokens.
/// </summary>
/// <remarks>
/// With the committed fixtures (GPT-2's encoder.json + vocab.bpe) the ids between BOS and EOS are GPT-2 ids, not
/// BART's: BART remaps GPT-2 ids through fairseq's dict.txt ("Jack and jill" is 14295,290,474,359 in GPT-2 and
/// 20907,8,1236,1873 in BART). The merges are the same, so token counts and payload sizes are too. Loading a
/// BART vocab.json + merges.txt through <see cref="FromFiles"/> gives BART's own ids.
/// </remarks>
public sealed class BartTokenizer
{
    public const int BosId = 0;
    public const int EosId = 2;
    public const int MaxTokens = 1024;

    private static readonly Lazy<BartTokenizer> FixtureTokenizer = new(FromFixtures);

    private readonly CodeGenTokenizer _bpe;

    private BartTokenizer(CodeGenTokenizer bpe) => _bpe = bpe;

    /// <summary>One shared instance over the fixture files (loading the 50k-entry vocabulary takes a while).</summary>
    public static BartTokenizer Fixtures => FixtureTokenizer.Value;

    /// <summary>A new instance over the GPT-2 BPE files in fixtures/tokenizer.</summary>
    public static BartTokenizer FromFixtures() =>
        FromFiles(FixtureFiles.GetPath(FixtureFiles.Gpt2Vocab), FixtureFiles.GetPath(FixtureFiles.Gpt2Merges));

    /// <param name="vocabJsonPath">encoder.json / vocab.json: token → id.</param>
    /// <param name="mergesPath">vocab.bpe / merges.txt: ranked merges after a #version line.</param>
    public static BartTokenizer FromFiles(string vocabJsonPath, string mergesPath)
    {
        using var vocab = File.OpenRead(vocabJsonPath);
        using var merges = File.OpenRead(mergesPath);

        // No prefix space and no BOS/EOS from the tokenizer (its own are <|endoftext|>): BART's 0/2 are added below.
        return new BartTokenizer(CodeGenTokenizer.Create(vocab, merges, addPrefixSpace: false, addBeginOfSentence: false, addEndOfSentence: false));
    }

    /// <summary>Plain BPE ids, no special tokens, no truncation.</summary>
    public IReadOnlyList<int> EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.EncodeToIds(text, addPrefixSpace: false, addBeginningOfSentence: false, addEndOfSentence: false);
    }

    /// <summary>[0, ids…, 2], keeping the first 1022 ids when longer (the model's 1024 positions), as INT64.</summary>
    public long[] EncodeForModel(string text)
    {
        var ids = EncodeToIds(text);
        int kept = Math.Min(ids.Count, MaxTokens - 2);
        var result = new long[kept + 2];
        result[0] = BosId;
        for (int i = 0; i < kept; i++)
        {
            result[i + 1] = ids[i];
        }

        result[^1] = EosId;
        return result;
    }

    public string Decode(IEnumerable<int> ids) => _bpe.Decode(ids);
}
