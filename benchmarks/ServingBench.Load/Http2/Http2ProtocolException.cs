namespace ServingBench.Load.Http2;

/// <summary>
/// The server broke HTTP/2 or HPACK: a connection error (RFC 9113 §5.4.1) with the code this client sends in its
/// GOAWAY. The frame reader and the HPACK decoder throw nothing else for bad input.
/// </summary>
internal sealed class Http2ProtocolException(Http2ErrorCode errorCode, string message) : Exception(message)
{
    public Http2ErrorCode ErrorCode { get; } = errorCode;
}
