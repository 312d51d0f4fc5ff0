using System.IO.Compression;
using ServingBench.Wire.Compression;

namespace ServingBench.Wire.Scenarios;

/// <summary>
/// The one place that says which scenarios exist and which payloads each can carry; every benchmark class,
/// test and emulator draws from here.
/// </summary>
public static class ScenarioCatalog
{
    public static readonly Scenario TfServingRestJsonRow = new(Framework.TfServing, Protocol.Rest, Encoding.JsonRow);
    public static readonly Scenario TfServingRestJsonCol = new(Framework.TfServing, Protocol.Rest, Encoding.JsonCol);
    public static readonly Scenario TfServingGrpcTyped = new(Framework.TfServing, Protocol.Grpc, Encoding.Typed);
    public static readonly Scenario TfServingGrpcRaw = new(Framework.TfServing, Protocol.Grpc, Encoding.Raw);
    public static readonly Scenario TorchServeRestRaw = new(Framework.TorchServe, Protocol.Rest, Encoding.Raw);
    public static readonly Scenario TorchServeRestJson = new(Framework.TorchServe, Protocol.Rest, Encoding.Json);
    public static readonly Scenario TorchServeGrpcRaw = new(Framework.TorchServe, Protocol.Grpc, Encoding.Raw);
    public static readonly Scenario TritonRestJson = new(Framework.Triton, Protocol.Rest, Encoding.Json);
    public static readonly Scenario TritonRestBinary = new(Framework.Triton, Protocol.Rest, Encoding.Binary);
    public static readonly Scenario TritonGrpcTyped = new(Framework.Triton, Protocol.Grpc, Encoding.Typed);
    public static readonly Scenario TritonGrpcRaw = new(Framework.Triton, Protocol.Grpc, Encoding.Raw);

    public static IReadOnlyList<Scenario> Scenarios { get; } =
    [
        TfServingRestJsonRow, TfServingRestJsonCol, TfServingGrpcTyped, TfServingGrpcRaw,
        TorchServeRestRaw, TorchServeRestJson, TorchServeGrpcRaw,
        TritonRestJson, TritonRestBinary, TritonGrpcTyped, TritonGrpcRaw,
    ];

    public static IReadOnlyList<PayloadKind> Payloads { get; } =
    [
        PayloadKind.Resnet50Tensor, PayloadKind.Resnet50Jpeg, PayloadKind.Wav2Vec2Audio, PayloadKind.BartText,
    ];

    /// <summary>
    /// The half-precision variants, for the two payloads whose FP32 tensors are the bulk of the bytes (ResNet50's image,
    /// Wav2Vec2's audio); BART's INT64 ids and the JPEG have no FP32 to halve.
    /// </summary>
    public static IReadOnlyList<PayloadKind> HalfPayloads { get; } =
    [
        PayloadKind.Resnet50TensorFp16, PayloadKind.Resnet50TensorBf16, PayloadKind.Wav2Vec2AudioFp16, PayloadKind.Wav2Vec2AudioBf16,
    ];

    /// <summary>
    /// The batch payloads: B different inputs in one request, in each framework's own batch form (docs/batching.md):
    /// Triton's [B, …] tensors in every encoding, TF Serving's B "instances" rows, columnar "inputs" or [B, …] TensorProto,
    /// and for TorchServe, whose wire carries one item per request, B separate requests. ResNet50's tensor and JPEG at 8
    /// and 32 (where the per-call cost has amortised), BART's ids at 8 (a generating model batches less).
    /// </summary>
    public static IReadOnlyList<PayloadKind> BatchPayloads { get; } =
    [
        PayloadKind.Resnet50TensorB8, PayloadKind.Resnet50TensorB32, PayloadKind.Resnet50JpegB8, PayloadKind.Resnet50JpegB32, PayloadKind.BartTextB8,
    ];

    /// <summary>
    /// Every scenario with request compression that the real server undoes, at both levels. docs/protocols.md cites
    /// the sources: Triton's HTTP server inflates gzip and deflate bodies, TF Serving's gzip only (a deflate body reaches
    /// its JSON parser as it is); TorchServe's Netty pipeline has no decompressor, so it has no compressed REST cell.
    /// gRPC core (Triton, TF Serving) takes gzip and deflate messages, grpc-java (TorchServe) gzip.
    /// </summary>
    public static IReadOnlyList<Scenario> CompressedScenarios { get; } =
    [
        .. from scenario in Scenarios
           from algorithm in Decompressed(scenario)
           from level in (CompressionLevel[])[CompressionLevel.Fastest, CompressionLevel.Optimal]
           select new Scenario(scenario.Framework, scenario.Protocol, scenario.Encoding, new BodyCompression(algorithm, level)),
    ];

    /// <summary>
    /// Whether a scenario can carry a payload. JPEG bytes go to TorchServe's raw body / input map only: that is
    /// the deployment where the server preprocesses (its image classifier handler); the tensor payloads fit all.
    /// FP16 and BF16 travel only where the protocol has a form for them (<see cref="CarriesHalf"/>). A batch travels
    /// wherever its batch-1 payload does.
    /// </summary>
    public static bool Supports(Scenario scenario, PayloadKind payload)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.HalfType is not null)
        {
            return CarriesHalf(scenario);
        }

        if (payload.Single is { } single)
        {
            return Supports(scenario, single);
        }

        return payload != PayloadKind.Resnet50Jpeg
            || (scenario.Framework == Framework.TorchServe && scenario.Encoding == Encoding.Raw);
    }

    /// <summary>
    /// Whether FP16 and BF16 tensors have a form in a scenario (docs/protocols.md cites each): raw bytes everywhere
    /// (Triton's raw_input_contents and binary extension, TF's tensor_content, TorchServe's bodies), and TF's typed
    /// half_val. Not Triton's JSON (it refuses FP16 and BF16 data both ways), TF's JSON (no conversion for DT_HALF),
    /// Triton's InferTensorContents (no field for them; any other field is refused as the wrong type) or TorchServe's
    /// custom-handler JSON (numbers, no element type).
    /// </summary>
    public static bool CarriesHalf(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.IsRawBytes || (scenario.Framework == Framework.TfServing && scenario.Encoding == Encoding.Typed);
    }

    /// <summary>What the server of a compressed scenario answers with: the compression its answers carry, or null.</summary>
    /// <remarks>
    /// Triton's HTTP server compresses an answer in the coding the request's Accept-Encoding prefers (the client asks for
    /// its own), at zlib's default level. Triton's gRPC answers are compressed when it is started with
    /// <c>--grpc-infer-response-compression-level</c> (low picks gzip), TF Serving's with
    /// <c>--grpc_channel_arguments=grpc.default_compression_algorithm=2</c> (gzip); gRPC core uses zlib's default level.
    /// TF Serving's HTTP server and TorchServe never compress answers.
    /// </remarks>
    public static BodyCompression? AnswerCompression(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Compression is null)
        {
            return null;
        }

        return (scenario.Framework, scenario.Protocol) switch
        {
            (Framework.Triton, Protocol.Rest) => scenario.Compression with { Level = CompressionLevel.Optimal },
            (Framework.Triton or Framework.TfServing, Protocol.Grpc) => BodyCompression.GzipDefault,
            _ => null,
        };
    }

    /// <summary>Every valid scenario × payload pair of the plain encodings (FP32 and INT64 tensors, no compression), in catalogue order.</summary>
    public static IEnumerable<(Scenario Scenario, PayloadKind Payload)> Cells() =>
        from payload in Payloads
        from scenario in Scenarios
        where Supports(scenario, payload)
        select (scenario, payload);

    /// <summary>Every batch payload in every scenario that carries it (its batch-1 payload's scenarios), in catalogue order.</summary>
    public static IEnumerable<(Scenario Scenario, PayloadKind Payload)> BatchCells() =>
        from payload in BatchPayloads
        from scenario in Scenarios
        where Supports(scenario, payload)
        select (scenario, payload);

    /// <summary>
    /// The half-precision and compressed cells, where they matter: every half payload in every scenario that carries
    /// it; compression on the JSON and raw encodings of the ResNet50 tensor and BART's text (the bulky text bodies and a
    /// float tensor against the ids). Each cell's twin (<see cref="Twin"/>) is its FP32 or uncompressed row.
    /// </summary>
    public static IEnumerable<(Scenario Scenario, PayloadKind Payload)> EncodingCells()
    {
        foreach (var payload in HalfPayloads)
        {
            foreach (var scenario in Scenarios.Where(s => Supports(s, payload)))
            {
                yield return (scenario, payload);
            }
        }

        foreach (var payload in (PayloadKind[])[PayloadKind.Resnet50Tensor, PayloadKind.BartText])
        {
            foreach (var scenario in CompressedScenarios.Where(s => s.Encoding != Encoding.Typed && Supports(s, payload)))
            {
                yield return (scenario, payload);
            }
        }
    }

    /// <summary>The FP32, uncompressed cell a half-precision or compressed cell reads against; null for a plain cell.</summary>
    public static (Scenario Scenario, PayloadKind Payload)? Twin(Scenario scenario, PayloadKind payload)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(payload);
        return scenario.Compression is null && payload.Twin is null ? null : (scenario.Uncompressed, payload.Twin ?? payload);
    }

    public static Scenario ParseScenario(string name) => Scenarios.Concat(CompressedScenarios).FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Scenarios.Select(s => s.Name))} (and their +gzip/+deflate forms)", nameof(name));

    public static PayloadKind ParsePayload(string name) => Payloads.Concat(HalfPayloads).Concat(BatchPayloads).FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown payload '{name}'; known: {string.Join(", ", Payloads.Concat(HalfPayloads).Concat(BatchPayloads).Select(p => p.Name))}", nameof(name));

    /// <summary>The algorithms the real server of <paramref name="scenario"/> inflates request bodies or messages with.</summary>
    private static CompressionAlgorithm[] Decompressed(Scenario scenario) => (scenario.Framework, scenario.Protocol) switch
    {
        (Framework.Triton, _) or (Framework.TfServing, Protocol.Grpc) => [CompressionAlgorithm.Gzip, CompressionAlgorithm.Deflate],
        (Framework.TfServing, Protocol.Rest) or (Framework.TorchServe, Protocol.Grpc) => [CompressionAlgorithm.Gzip],
        _ => [],
    };
}
