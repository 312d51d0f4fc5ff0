using System.Collections.Concurrent;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Payloads;

/// <summary>
/// The catalogue's payloads built from the fixtures: the model's own preprocessing of the fixture makes the request
/// tensors, the fixture itself the file form, and the model's canned answer for one row the response (so a canned
/// server's batch-1 answer equals it). Built once per process and shared (tensors are immutable).
/// </summary>
public static class PayloadFactory
{
    /// <summary>Name of the one BYTES input that carries a file (TorchServe's input map key and raw body).</summary>
    public const string FileInputName = "data";

    private static readonly ConcurrentDictionary<string, Lazy<Payload>> Cache = new();

    public static IReadOnlyList<Payload> All => [.. ScenarioCatalog.Payloads.Concat(ScenarioCatalog.HalfPayloads).Select(Get)];

    public static Payload Get(PayloadKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return Cache.GetOrAdd(kind.Name, _ => new Lazy<Payload>(() => Build(kind))).Value;
    }

    /// <summary>The fixture each payload is made from, and whether the payload carries it as a file as well.</summary>
    private static readonly Dictionary<PayloadKind, (string Fixture, bool SendsFile)> Sources = new()
    {
        [PayloadKind.Resnet50Tensor] = (FixtureFiles.CatJpeg, false),
        [PayloadKind.Resnet50Jpeg] = (FixtureFiles.CatJpeg, true),
        [PayloadKind.Wav2Vec2Audio] = (FixtureFiles.SpeechWav, true),
        [PayloadKind.BartText] = (FixtureFiles.ArticleText, true),

        // Half-precision variants are tensors only: the file form of the same model is its FP32 payload's.
        [PayloadKind.Resnet50TensorFp16] = (FixtureFiles.CatJpeg, false),
        [PayloadKind.Resnet50TensorBf16] = (FixtureFiles.CatJpeg, false),
        [PayloadKind.Wav2Vec2AudioFp16] = (FixtureFiles.SpeechWav, false),
        [PayloadKind.Wav2Vec2AudioBf16] = (FixtureFiles.SpeechWav, false),
    };

    private static readonly Lazy<string[]> ArticleParagraphTexts = new(() =>
        FixtureFiles.ReadAllText(FixtureFiles.ArticleText).TrimEnd('\n').Split("\n\n"));

    private static Payload Build(PayloadKind kind)
    {
        var single = kind.Single ?? kind;
        if (!Sources.TryGetValue(single, out var source))
        {
            throw new ArgumentException($"no fixture for payload '{kind.Name}'; known: {string.Join(", ", Sources.Keys)}", nameof(kind));
        }

        var (fixture, sendsFile) = source;
        var model = ModelCatalog.Get(kind.ModelName);
        var files = BatchFiles(single, fixture, kind.BatchSize);

        // The model's own preprocessing stacks the batch: each row is made exactly as the batch-1 tensor is.
        var input = model.Preprocess(model.Signature, files, FixtureFiles.GetPath(fixture));
        var output = model.CannedOutputs(model.Signature, kind.BatchSize, model.OutputLength(input.Shape[1]))[0];
        if (kind.BatchSize == 1)
        {
            return Compose(kind, model, input, output, sendsFile ? files : null);
        }

        // Each item is its row of the batch (views, no copies) and its own file: what TorchServe sends one by one.
        var items = Enumerable.Range(0, kind.BatchSize)
            .Select(i => Compose(single, model, input.Row(i), output.Row(i), sendsFile ? [files[i]] : null))
            .ToArray();
        return Compose(kind, model, input, output, sendsFile ? files : null, items);
    }

    /// <summary>
    /// The B different inputs of a batch, as files: the first B batch photos, or B rotations of the article at its
    /// paragraphs (text i starts at paragraph i). BART's served signature has input_ids only, no attention_mask, so its
    /// rows cannot be padded; rotating whole paragraphs keeps every text's token count equal (the pretokeniser splits at
    /// each newline), so row 0 is the batch-1 article and each row costs what it does.
    /// </summary>
    private static ReadOnlyMemory<byte>[] BatchFiles(PayloadKind single, string fixture, int batchSize)
    {
        if (batchSize == 1)
        {
            return [FixtureFiles.ReadAllBytes(fixture)];
        }

        if (single == PayloadKind.Resnet50Tensor || single == PayloadKind.Resnet50Jpeg)
        {
            if (batchSize > FixtureFiles.BatchPhotos.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize), $"a batch of {batchSize} needs more than the {FixtureFiles.BatchPhotos.Count} batch photos");
            }

            return [.. FixtureFiles.BatchPhotos.Take(batchSize).Select(photo => (ReadOnlyMemory<byte>)FixtureFiles.ReadAllBytes(photo))];
        }

        if (single == PayloadKind.BartText)
        {
            string[] paragraphs = ArticleParagraphTexts.Value;
            if (batchSize > paragraphs.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize), $"a batch of {batchSize} needs more than the article's {paragraphs.Length} paragraphs");
            }

            string trailing = FixtureFiles.ReadAllText(FixtureFiles.ArticleText)[string.Join("\n\n", paragraphs).Length..];
            return [.. Enumerable.Range(0, batchSize).Select(i =>
                (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(string.Join("\n\n", paragraphs[i..].Concat(paragraphs[..i])) + trailing))];
        }

        throw new ArgumentException($"payload '{single.Name}' has no batch form", nameof(single));
    }

    private static Payload Compose(PayloadKind kind, CatalogueModel model, Tensor input, Tensor output, ReadOnlyMemory<byte>[]? files, IReadOnlyList<Payload>? items = null)
    {
        IReadOnlyList<RequestedOutput> outputs = [new RequestedOutput(output.Name)];
        return new Payload
        {
            Kind = kind,
            Model = model.Signature,
            TensorRequest = new InferenceRequest { ModelName = kind.ModelName, Inputs = [input], Outputs = outputs },
            FileRequest = files is not null
                ? new InferenceRequest { ModelName = kind.ModelName, Inputs = [Tensor.FromBytesElements(FileInputName, [files.Length], files)], Outputs = outputs }
                : null,
            FileContentType = files is not null ? model.FileContentType : null,
            Response = new InferenceResponse { ModelName = kind.ModelName, Outputs = [output] },
            Items = items ?? [],
        };
    }
}
