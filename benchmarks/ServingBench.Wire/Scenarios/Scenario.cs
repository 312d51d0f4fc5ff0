using ServingBench.Wire.Compression;

namespace ServingBench.Wire.Scenarios;

public enum Framework
{
    TfServing,
    TorchServe,
    Triton,
}

public enum Protocol
{
    /// <summary>HTTP/1.1 with JSON or raw bodies.</summary>
    Rest,

    /// <summary>gRPC over HTTP/2 cleartext.</summary>
    Grpc,
}

/// <summary>What travels in the body; docs/architecture.md's matrix says which framework × protocol offers which.</summary>
public enum Encoding
{
    /// <summary>TF Serving REST row format: <c>{"instances": [...]}</c>.</summary>
    JsonRow,

    /// <summary>TF Serving REST columnar format: <c>{"inputs": ...}</c>.</summary>
    JsonCol,

    /// <summary>A JSON body: Triton's flat <c>data</c> arrays, TorchServe's custom-handler JSON.</summary>
    Json,

    /// <summary>Typed protobuf repeated fields: TF float_val / int64_val, Triton InferTensorContents.</summary>
    Typed,

    /// <summary>Raw little-endian bytes: TF tensor_content, Triton raw_*_contents, TorchServe bodies and input map.</summary>
    Raw,

    /// <summary>Triton's binary tensor data extension: a JSON header followed by raw bytes.</summary>
    Binary,
}

/// <summary>
/// One way of talking to a server: framework × protocol × encoding, named <c>triton-grpc-raw</c>; with
/// <paramref name="Compression"/>, the request compressed on top (an HTTP Content-Encoding, or gRPC message
/// compression), named <c>triton-grpc-raw+gzip-fastest</c>.
/// </summary>
public sealed record Scenario(Framework Framework, Protocol Protocol, Encoding Encoding, BodyCompression? Compression = null)
{
    public string Name { get; } = $"{FrameworkName(Framework)}-{ProtocolName(Protocol)}-{EncodingName(Encoding)}"
        + (Compression is null ? "" : "+" + Compression.Name);

    /// <summary>True where tensor bytes travel as they lie in memory (no text, no per-element encoding).</summary>
    public bool IsRawBytes => Encoding is Encoding.Raw or Encoding.Binary;

    /// <summary>The same scenario without compression (itself when it compresses nothing): the row a compressed one reads against.</summary>
    public Scenario Uncompressed => Compression is null ? this : new Scenario(Framework, Protocol, Encoding);

    public override string ToString() => Name;

    public static string FrameworkName(Framework framework) => framework switch
    {
        Framework.TfServing => "tfserving",
        Framework.TorchServe => "torchserve",
        Framework.Triton => "triton",
        _ => throw new ArgumentOutOfRangeException(nameof(framework)),
    };

    public static string ProtocolName(Protocol protocol) => protocol == Protocol.Rest ? "rest" : "grpc";

    public static string EncodingName(Encoding encoding) => encoding switch
    {
        Encoding.JsonRow => "json-row",
        Encoding.JsonCol => "json-col",
        Encoding.Json => "json",
        Encoding.Typed => "typed",
        Encoding.Raw => "raw",
        Encoding.Binary => "binary",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };
}
