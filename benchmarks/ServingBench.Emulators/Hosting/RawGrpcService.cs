using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using ServingBench.Wire;
using ServingBench.Wire.Clients;

namespace ServingBench.Emulators.Hosting;

/// <summary>A unary gRPC handler over message bytes; the returned buffer is released once serialised.</summary>
public delegate Task<PooledBufferWriter> RawUnaryHandler(ReadOnlyMemory<byte> request, ServerCallContext context);

/// <summary>The gRPC methods one listener serves, by their real service and method names.</summary>
public sealed class GrpcMethodTable
{
    private readonly List<(Grpc.Core.Method<PooledBufferWriter, PooledBufferWriter> Method, RawUnaryHandler Handler)> _methods = [];

    public IReadOnlyList<(Grpc.Core.Method<PooledBufferWriter, PooledBufferWriter> Method, RawUnaryHandler Handler)> Methods => _methods;

    public GrpcMethodTable Add(string service, string method, RawUnaryHandler handler)
    {
        _methods.Add((RawGrpc.ServerMethod(service, method), handler));
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
