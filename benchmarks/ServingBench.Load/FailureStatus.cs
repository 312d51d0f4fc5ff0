using Grpc.Core;

namespace ServingBench.Load;

/// <summary>Names why a request failed, as the summary's <c>failures</c> keys do.</summary>
public static class FailureStatus
{
    /// <summary>The status of TorchServe's full queue (and any overloaded HTTP server): reported apart.</summary>
    public const string ServiceUnavailable = "503";

    /// <summary>
    /// The HTTP code ("503", "404"), the gRPC code's name ("Unavailable", "Internal"), or "error: &lt;type&gt;" for a
    /// failure that never got a status (connection refused, malformed answer).
    /// </summary>
    public static string Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ServingException { HttpStatus: int http } => http.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ServingException { GrpcStatus: StatusCode grpc } => grpc.ToString(),
            RpcException rpc => rpc.StatusCode.ToString(),
            HttpRequestException { StatusCode: { } http } => ((int)http).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "error: " + exception.GetType().Name,
        };
    }
}
