namespace ServingBench.Load.Http2;

/// <summary>
/// What one connection accepts from a server, and how long it waits on one: every length the peer sends is capped
/// before it is trusted, and every wait has an end, so a misbehaving server fails calls instead of hanging them.
/// </summary>
internal sealed record Http2Limits
{
    public static Http2Limits Default { get; } = new();

    /// <summary>
    /// A decoded header list's size by RFC 9113 §6.5.2 (name + value + 32 per field), advertised as
    /// SETTINGS_MAX_HEADER_LIST_SIZE. 64 KiB, as dotnet/runtime's HttpClient allows for response headers; a gRPC
    /// answer's headers or trailers take a few hundred bytes. The compressed block is held to the same size.
    /// </summary>
    public int MaxHeaderListSize { get; init; } = 64 * 1024;

    /// <summary>
    /// CONTINUATION frames after one HEADERS frame, empty ones included. nghttp2's default since the 2024
    /// CONTINUATION floods (CVE-2024-28182); a 64 KiB block needs three in frames of 16 KiB.
    /// </summary>
    public int MaxContinuationFrames { get; init; } = 8;

    /// <summary>
    /// How long one socket write may take. Flow control means the server has room for every byte this client
    /// sends, so a write that does not finish says the server stopped reading; the connection is given up.
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After this long without a frame from the server, one PING asks whether it is still there; another PING only
    /// after the server has sent something since. One per silence keeps within gRPC servers' ping policies
    /// (grpc's core answers frequent pings on a quiet connection with GOAWAY ENHANCE_YOUR_CALM).
    /// </summary>
    public TimeSpan PingAfterSilence { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A PING unanswered this long means the server or the path to it is gone: the connection is given up.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the connection checks its write deadline and its PING: a fraction of the shortest wait.</summary>
    public TimeSpan CheckInterval
    {
        get
        {
            var shortest = new[] { WriteTimeout, PingAfterSilence, PingTimeout }.Min();
            return TimeSpan.FromTicks(Math.Max(shortest.Ticks / 4, TimeSpan.FromMilliseconds(5).Ticks));
        }
    }
}
