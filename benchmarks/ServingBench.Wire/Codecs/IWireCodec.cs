namespace ServingBench.Wire.Codecs;

/// <summary>
/// What travels beside a body: its Content-Type, and for Triton's binary extension the length of the JSON header
/// (the <c>Inference-Header-Content-Length</c> HTTP header). gRPC bodies are the protobuf message bytes.
/// </summary>
public readonly record struct WireContent(string ContentType, int? InferenceHeaderLength = null)
{
    /// <summary>The HTTP header that carries <see cref="InferenceHeaderLength"/> (Triton's binary tensor data extension).</summary>
    public const string InferenceHeaderLengthName = "Inference-Header-Content-Length";

    public static WireContent Json { get; } = new("application/json");

    public static WireContent Protobuf { get; } = new("application/grpc");

    public static WireContent OctetStream { get; } = new("application/octet-stream");
}

/// <summary>
/// One scenario's wire format for one served model, both directions: a client encodes requests and decodes
/// responses, a server decodes requests and encodes responses. Bodies are exactly what travels (an HTTP body,
/// or a gRPC message without its 5-byte frame header). Malformed input raises <see cref="WireFormatException"/>.
/// </summary>
/// <remarks>
/// Decoded tensors may view <c>body</c> in place (raw formats): keep the body alive as long as the result.
/// Implementations are stateless and thread-safe.
/// </remarks>
public interface IWireCodec
{
    Scenarios.Scenario Scenario { get; }

    ModelSignature Model { get; }

    WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body);

    InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content);

    WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body);

    InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content);
}
