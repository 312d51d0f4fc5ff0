using ServingBench.Emulators.Hosting;
using ServingBench.Wire.Codecs;

namespace ServingBench.Emulators.Echo;

/// <summary>
/// The floor: takes any POST (HTTP/1.1) or <c>servingbench.Echo/Echo</c> call (gRPC) through the same Kestrel,
/// buffering and marshalling as the emulators, with no codec and no backend, and answers with the bytes it
/// received — or, when the caller sends <see cref="ResponseBytesHeader"/>, with that many of them (cycled), so a
/// round trip's floor moves the same request and response sizes as the real exchange.
/// </summary>
public static class EchoEmulator
{
    public const string EchoMethod = "Echo";

    /// <summary>Request header (gRPC metadata key) giving the size of the answer to send back.</summary>
    public const string ResponseBytesHeader = "x-servingbench-echo-response-bytes";

    public static IEnumerable<ListenerSpec> Listeners()
    {
        // One pool for both listeners: they are one echo server.
        var buffers = new BufferPool();
        yield return new ListenerSpec("echo", null, EndpointRole.EchoRest, 0)
        {
            Rest = context => EchoRestAsync(context, buffers),
        };
        yield return new ListenerSpec("echo", null, EndpointRole.EchoGrpc, 0)
        {
            Grpc = new GrpcMethodTable(buffers).Add(GrpcServices.EchoService, EchoMethod, (request, context) =>
                Task.FromResult(Answer(buffers, request.Span, context.RequestHeaders.GetValue(ResponseBytesHeader)))),
        };
    }

    private static async Task EchoRestAsync(HttpContext context, BufferPool buffers)
    {
        try
        {
            using var body = await HttpExchange.ReadBodyAsync(context.Request, buffers, long.MaxValue, context.RequestAborted).ConfigureAwait(false);
            var answer = Answer(buffers, body.WrittenSpan, context.Request.Headers[ResponseBytesHeader].ToString());
            await HttpExchange.WriteAsync(context.Response, StatusCodes.Status200OK, new WireContent(context.Request.ContentType ?? "application/octet-stream"), answer)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            context.Abort();
        }
    }

    /// <summary>The received bytes, or <paramref name="requestedLength"/> bytes cycled from them when it is given.</summary>
    private static PooledBufferWriter Answer(BufferPool buffers, ReadOnlySpan<byte> received, string? requestedLength)
    {
        int length = int.TryParse(requestedLength, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : received.Length;
        var answer = new PooledBufferWriter(buffers, Math.Max(length, 1));
        var target = answer.GetSpan(length)[..length];
        for (int offset = 0; offset < length && !received.IsEmpty; offset += received.Length)
        {
            received[..Math.Min(received.Length, length - offset)].CopyTo(target[offset..]);
        }

        answer.Advance(length);
        return answer;
    }
}
