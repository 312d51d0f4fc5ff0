using Grpc.Core;

namespace ServingBench.Emulators.Hosting;

/// <summary>Turns every failure of a gRPC handler into an RpcException with the framework's status code.</summary>
internal static class GrpcErrors
{
    public static RawUnaryHandler Guard(RawUnaryHandler handler, Func<ServerError, StatusCode> statusOf, ErrorLog log, string server) => async (request, context) =>
    {
        ServerError error;
        try
        {
            return await handler(request, context).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (ServerError ex)
        {
            error = ex;
        }
        catch (WireFormatException ex)
        {
            error = new ServerError(ErrorKind.InvalidArgument, ex.Message);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "the client cancelled the call"));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = new ServerError(ErrorKind.Internal, $"internal error: {ex.GetType().Name}: {ex.Message}");
        }

        // gRPC codes do not say whose fault a failure is (TorchServe answers INTERNAL even for an unknown model): the kind does.
        log.Report(server, context.Method, error, error.HttpStatus);
        throw new RpcException(new Status(statusOf(error), error.Message));
    };
}
