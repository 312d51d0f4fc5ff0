namespace ServingBench.Load.Http2;

/// <summary>
/// The server broke HTTP/2 or HPACK: a connection error (RFC 9113 §5.4.1) with the code this client sends in its
/// GOAWAY. The frame reader and the HPACK decoder throw nothing else for bad input.
/// </summary>
internal sealed class Http2ProtocolException : Exception
{
    public Http2ProtocolException(Http2ErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    public Http2ProtocolException()
        : this(Http2ErrorCode.ProtocolError, "HTTP/2 protocol error")
    {
    }

    public Http2ProtocolException(string message)
        : this(Http2ErrorCode.ProtocolError, message)
    {
    }

    public Http2ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = Http2ErrorCode.ProtocolError;
    }

    public Http2ErrorCode ErrorCode { get; }
}
