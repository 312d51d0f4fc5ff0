using System.Collections.Concurrent;
using ServingBench.Payloads.Audio;
using ServingBench.Payloads.Images;
using ServingBench.Payloads.Text;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Payloads;

/// <summary>
/// The catalogue's payloads built from the fixtures: preprocessed request tensors, the file form, and a seeded
/// response of the real output shape. Built once per process and shared (tensors are immutable).
/// </summary>
public static class PayloadFactory
{
    /// <summary>Name of the one BYTES input that carries a file (TorchServe's input map key and raw body).</summary>
    public const string FileInputName = "data";

    public const string JpegContentType = "image/jpeg";
    public const string WavContentType = "audio/wav";
    public const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>BART's generation max_length (bart-large-cnn summarisation defaults).</summary>
    public const int BartGeneratedLength = 142;

    /// <summary>bart-large-cnn's embedding rows (vocab.json has one more, &lt;mask&gt;, outside it).</summary>
    public const int BartVocabSize = 50264;

    public const int ImageNetClasses = 1000;
    public const int Wav2Vec2VocabSize = 32;

    private static readonly ConcurrentDictionary<string, Lazy<Payload>> Cache = new();

    public static IReadOnlyList<Payload> All => [.. ScenarioCatalog.Payloads.Select(Get)];

    public static Payload Get(PayloadKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return Cache.GetOrAdd(kind.Name, _ => new Lazy<Payload>(() => Build(kind))).Value;
    }

    private static Payload Build(PayloadKind kind)
    {
        if (kind == PayloadKind.Resnet50Tensor || kind == PayloadKind.Resnet50Jpeg)
        {
            return Resnet50(kind, withFile: kind == PayloadKind.Resnet50Jpeg);
        }

        if (kind == PayloadKind.Wav2Vec2Audio)
        {
            return Wav2Vec2(kind);
        }

        if (kind == PayloadKind.BartText)
        {
            return Bart(kind);
        }

        throw new ArgumentException($"no payload builder for '{kind.Name}'; known: {string.Join(", ", ScenarioCatalog.Payloads)}", nameof(kind));
    }

    private static Payload Resnet50(PayloadKind kind, bool withFile)
    {
        var model = ModelCatalog.Resnet50Signature;
        byte[] jpeg = FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg);
        float[] pixels = ImagePreprocessing.FromJpeg(jpeg, FixtureFiles.GetPath(FixtureFiles.CatJpeg));
        var input = Tensor.FromFloats(model.Inputs[0].Name, ImagePreprocessing.TensorShape, pixels);
        var output = Tensor.FromFloats(model.Outputs[0].Name, [1, ImageNetClasses], SeededOutputs.Logits(ImageNetClasses));
        return Assemble(kind, model, input, output, withFile ? (jpeg, JpegContentType) : null);
    }

    private static Payload Wav2Vec2(PayloadKind kind)
    {
        var model = ModelCatalog.Wav2Vec2Signature;
        byte[] wav = FixtureFiles.ReadAllBytes(FixtureFiles.SpeechWav);
        float[] samples = AudioPreprocessing.FromWav(wav, FixtureFiles.GetPath(FixtureFiles.SpeechWav));
        int frames = AudioPreprocessing.LogitFrames(samples.Length);
        var input = Tensor.FromFloats(model.Inputs[0].Name, [1, samples.Length], samples);
        var output = Tensor.FromFloats(model.Outputs[0].Name, [1, frames, Wav2Vec2VocabSize], SeededOutputs.Logits(frames * Wav2Vec2VocabSize));
        return Assemble(kind, model, input, output, (wav, WavContentType));
    }

    private static Payload Bart(PayloadKind kind)
    {
        var model = ModelCatalog.BartSignature;
        byte[] text = FixtureFiles.ReadAllBytes(FixtureFiles.ArticleText);
        long[] ids = BartTokenizer.Fixtures.EncodeForModel(System.Text.Encoding.UTF8.GetString(text));
        var input = Tensor.FromInt64s(model.Inputs[0].Name, [1, ids.Length], ids);
        var output = Tensor.FromInt64s(model.Outputs[0].Name, [1, BartGeneratedLength], SeededOutputs.GeneratedIds(BartGeneratedLength, BartVocabSize));
        return Assemble(kind, model, input, output, (text, TextContentType));
    }

    private static Payload Assemble(PayloadKind kind, ModelSignature model, Tensor input, Tensor output, (byte[] Bytes, string ContentType)? file)
    {
        IReadOnlyList<RequestedOutput> outputs = [new RequestedOutput(output.Name)];
        return new Payload
        {
            Kind = kind,
            Model = model,
            TensorRequest = new InferenceRequest { ModelName = kind.ModelName, Inputs = [input], Outputs = outputs },
            FileRequest = file is { } f
                ? new InferenceRequest { ModelName = kind.ModelName, Inputs = [Tensor.FromBytesElements(FileInputName, [1], [f.Bytes])], Outputs = outputs }
                : null,
            FileContentType = file?.ContentType,
            Response = new InferenceResponse { ModelName = kind.ModelName, Outputs = [output] },
        };
    }
}
