using Grpc.Core;

namespace ServingBench.Load.Http2;

/// <summary>How calls fail when their connection does: the gRPC status the full client reports for the same event.</summary>
internal static class Http2Failures
{
    /// <summary>The connection was lost or given up (closed, not reading, not answering): Unavailable, as gRPC reports a lost transport.</summary>
    public static ServingException Unavailable(string why, Exception? inner = null) =>
        new($"{StatusCode.Unavailable}: {why}", null, StatusCode.Unavailable, why, inner);

    /// <summary>The server broke HTTP/2 or HPACK: Internal, as gRPC maps PROTOCOL_ERROR, FLOW_CONTROL_ERROR and COMPRESSION_ERROR.</summary>
    public static ServingException Internal(string why, Exception? inner = null) =>
        new($"{StatusCode.Internal}: {why}", null, StatusCode.Internal, why, inner);
}
