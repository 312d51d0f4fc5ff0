using System.Buffers;
using Microsoft.AspNetCore.Http;
using ServingBench.Emulators.Hosting;
using ServingBench.Wire.Codecs;
using ServingBench.Wire;
using ServingBench.Wire.Clients;

namespace ServingBench.Emulators.Echo;

/// <summary>
/// The floor: answers any POST (HTTP/1.1) or <c>servingbench.Echo/Echo</c> call (gRPC) with the bytes it received,
/// through the same Kestrel, buffering and marshalling as the emulators but with no codec and no backend.
/// </summary>
public static class EchoEmulator
{
    public const string EchoMethod = "Echo";

    public static IEnumerable<ListenerSpec> Listeners()
    {
        yield return new ListenerSpec("echo", null, EndpointRole.EchoRest, 0)
        {
            Rest = EchoRestAsync,
        };
        yield return new ListenerSpec("echo", null, EndpointRole.EchoGrpc, 0)
        {
            Grpc = new GrpcMethodTable().Add(RawGrpc.EchoService, EchoMethod, (request, _) =>
            {
                var copy = new PooledBufferWriter(request.Length);
                copy.Write(request.Span);
                return Task.FromResult(copy);
            }),
        };
    }

    private static async Task EchoRestAsync(HttpContext context)
    {
        try
        {
            var body = await HttpExchange.ReadBodyAsync(context.Request, long.MaxValue, context.RequestAborted).ConfigureAwait(false);
            await HttpExchange.WriteAsync(context.Response, StatusCodes.Status200OK, new WireContent(context.Request.ContentType ?? "application/octet-stream"), body)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            context.Abort();
        }
    }
}
