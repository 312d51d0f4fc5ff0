using System.Collections.Concurrent;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

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

    private static Payload Build(PayloadKind kind)
    {
        if (!Sources.TryGetValue(kind, out var source))
        {
            throw new ArgumentException($"no fixture for payload '{kind.Name}'; known: {string.Join(", ", Sources.Keys)}", nameof(kind));
        }

        var (fixture, sendsFile) = source;
        var model = ModelCatalog.Get(kind.ModelName);
        byte[] file = FixtureFiles.ReadAllBytes(fixture);
        var input = model.Preprocess(model.Signature, [file], FixtureFiles.GetPath(fixture));
        var output = model.CannedOutputs(model.Signature, 1, model.OutputLength(input.Shape[1]))[0];
        IReadOnlyList<RequestedOutput> outputs = [new RequestedOutput(output.Name)];
        return new Payload
        {
            Kind = kind,
            Model = model.Signature,
            TensorRequest = new InferenceRequest { ModelName = kind.ModelName, Inputs = [input], Outputs = outputs },
            FileRequest = sendsFile
                ? new InferenceRequest { ModelName = kind.ModelName, Inputs = [Tensor.FromBytesElements(FileInputName, [1], [file])], Outputs = outputs }
                : null,
            FileContentType = sendsFile ? model.FileContentType : null,
            Response = new InferenceResponse { ModelName = kind.ModelName, Outputs = [output] },
        };
    }
}
