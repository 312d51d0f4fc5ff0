using Grpc.Core;

namespace ServingBench.Wire.Clients;

/// <summary>
/// A server refused a request: carries what the server said (HTTP status or gRPC status, and its message text
/// as extracted from the framework's error body) so a benchmark or test can tell a 404 from a 400 from a 503.
/// </summary>
public sealed class ServingException : Exception
{
    public ServingException(string message, int? httpStatus, StatusCode? grpcStatus, string serverMessage, Exception? innerException = null)
        : base(message, innerException)
    {
        HttpStatus = httpStatus;
        GrpcStatus = grpcStatus;
        ServerMessage = serverMessage;
    }

    public ServingException()
        : this("server error", null, null, string.Empty)
    {
    }

    public ServingException(string message)
        : this(message, null, null, message)
    {
    }

    public ServingException(string message, Exception innerException)
        : this(message, null, null, message, innerException)
    {
    }

    /// <summary>HTTP status code for REST calls; null for gRPC.</summary>
    public int? HttpStatus { get; }

    /// <summary>gRPC status for gRPC calls; null for REST.</summary>
    public StatusCode? GrpcStatus { get; }

    /// <summary>The server's own message (TF/Triton <c>error</c>, TorchServe <c>message</c>, gRPC status detail).</summary>
    public string ServerMessage { get; }
}
