using System.Buffers;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace ServingBench.Emulators.Hosting;

/// <summary>A unary gRPC handler over message bytes; the returned buffer is released once serialised.</summary>
public delegate Task<PooledBufferWriter> RawUnaryHandler(ReadOnlyMemory<byte> request, ServerCallContext context);

/// <summary>The gRPC methods one listener serves, by their real service and method names.</summary>
/// <param name="buffers">The serving emulator's pool: request copies are rented from it.</param>
public sealed class GrpcMethodTable(BufferPool buffers)
{
    private readonly Marshaller<PooledBufferWriter> _marshaller = PooledGrpcMarshaller.Create(buffers);
    private readonly List<(Grpc.Core.Method<PooledBufferWriter, PooledBufferWriter> Method, RawUnaryHandler Handler)> _methods = [];

    public IReadOnlyList<(Grpc.Core.Method<PooledBufferWriter, PooledBufferWriter> Method, RawUnaryHandler Handler)> Methods => _methods;

    public GrpcMethodTable Add(string service, string method, RawUnaryHandler handler)
    {
        _methods.Add((PooledGrpcMarshaller.ServerMethod(service, method, _marshaller), handler));
        return this;
    }
}

/// <summary>The one service type Grpc.AspNetCore maps; its methods come from the table, not from generated code.</summary>
public sealed class RawGrpcService;

/// <summary>Binds the table's methods with raw-bytes marshallers, so codecs see the exact message bytes.</summary>
internal sealed class RawGrpcMethodProvider(GrpcMethodTable table) : IServiceMethodProvider<RawGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<RawGrpcService> context)
    {
        foreach (var (method, handler) in table.Methods)
        {
            context.AddUnaryMethod(method, [], async (_, request, callContext) =>
            {
                try
                {
                    return await handler(request.WrittenMemory, callContext).ConfigureAwait(false);
                }
                finally
                {
                    // The handler has encoded its response; the request copy can go back to the pool.
                    request.Dispose();
                }
            });
        }
    }
}

/// <summary>The server side's raw-bytes marshaller: requests arrive as pooled copies, responses go back to the pool.</summary>
internal static class PooledGrpcMarshaller
{
    /// <summary>
    /// Writes a <see cref="PooledBufferWriter"/>'s bytes and returns its array to the pool: a server's response
    /// buffer lives until the framework serialises it, which happens after the handler has returned. Requests are
    /// copied into arrays from <paramref name="buffers"/>.
    /// </summary>
    public static Marshaller<PooledBufferWriter> Create(BufferPool buffers) => new(
        static (message, context) =>
        {
            try
            {
                context.SetPayloadLength(message.WrittenCount);
                var writer = context.GetBufferWriter();
                writer.Write(message.WrittenSpan);
                context.Complete();
            }
            finally
            {
                message.Dispose();
            }
        },
        context =>
        {
            var sequence = context.PayloadAsReadOnlySequence();
            var copy = new PooledBufferWriter(buffers, (int)sequence.Length);
            foreach (var segment in sequence)
            {
                copy.Write(segment.Span);
            }

            return copy;
        });

    public static Grpc.Core.Method<PooledBufferWriter, PooledBufferWriter> ServerMethod(string service, string method, Marshaller<PooledBufferWriter> marshaller) =>
        new(MethodType.Unary, service, method, marshaller, marshaller);
}
