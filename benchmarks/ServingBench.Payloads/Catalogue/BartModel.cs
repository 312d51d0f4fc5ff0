using System.Text;
using ServingBench.Payloads.Text;

namespace ServingBench.Payloads.Catalogue;

/// <summary>
/// Summariser (bart-large-cnn): input_ids INT64 [N,L] → generated output_ids INT64 [N,G]. The summarisation handler
/// takes UTF-8 text, tokenises it, generates, and answers the detokenised summary; Hugging Face pipelines call the
/// same member <c>summary_text</c>.
/// </summary>
internal sealed class BartModel() : CatalogueModel(
    new ModelSignature(
        "bart",
        [new TensorSpec("input_ids", DataType.Int64, [-1, -1])],
        [new TensorSpec("output_ids", DataType.Int64, [-1, -1])]) { StockAnswer = Answer },
    "UTF-8 text",
    "text/plain; charset=utf-8")
{
    /// <summary>BART's generation max_length (bart-large-cnn summarisation defaults).</summary>
    public const int GenerationLength = 142;

    /// <summary>bart-large-cnn's embedding rows (vocab.json has one more, &lt;mask&gt;, outside it).</summary>
    public const int VocabSize = 50264;

    private static readonly TextAnswer Answer = new("summary", "summary_text");

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public override int? GeneratedLength => GenerationLength;

    public override long CheckFile(ModelSignature served, ReadOnlySpan<byte> file)
    {
        ArgumentNullException.ThrowIfNull(served);
        try
        {
            if (string.IsNullOrWhiteSpace(StrictUtf8.GetString(file)))
            {
                throw new WireFormatException($"model '{served.Name}' expects text to summarise; the body is empty");
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException($"model '{served.Name}' expects {FileDescription}; the body is not valid UTF-8", ex);
        }

        return 0;
    }

    private protected override Tensor PreprocessFiles(ModelSignature served, IReadOnlyList<ReadOnlyMemory<byte>> files, string source)
    {
        var ids = files.Select(f => ReadFile(served, () => BartTokenizer.Fixtures.EncodeForModel(StrictUtf8.GetString(f.Span)))).ToArray();
        var rows = Stack(served, ids, "texts of one batch differ in token count");
        return Tensor.FromInt64s(served.Inputs[0].Name, [ids.Length, ids[0].Length], rows);
    }

    public override void WriteStockAnswer(Tensor output, IBufferWriter<byte> body) => Answer.Write(Summarise(output), body);

    /// <summary>The first row's generated ids without the special tokens (ids 0-3), detokenised.</summary>
    public static string Summarise(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return BartTokenizer.Fixtures.Decode([.. ids.AsSpan<long>()[..(int)ids.Shape[^1]].ToArray().Where(id => id > 3).Select(id => (int)id)]);
    }

    /// <summary>Generated ids: the decoder start, forced &lt;s&gt;, seeded tokens, &lt;/s&gt; (what generation returns).</summary>
    private protected override Tensor CannedOutput(TensorSpec spec, long[] shape, int perRow, long batch) =>
        spec.DataType == DataType.Int64
            ? Tensor.FromInt64s(spec.Name, shape, Repeat(SeededOutputs.GeneratedIds(perRow, VocabSize), batch))
            : base.CannedOutput(spec, shape, perRow, batch);
}
