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

    /// <summary>
    /// A success status whose body is not what the scenario expects (a server that answers another format, a
    /// handler that returns something else): says the status, what was expected, and the first bytes received.
    /// </summary>
    public static ServingException UnexpectedAnswer(string status, string from, Scenarios.Scenario scenario, WireFormatException problem, ReadOnlySpan<byte> body, int? httpStatus)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(problem);
        const int Shown = 64;
        var head = body[..Math.Min(body.Length, Shown)];
        string preview = System.Text.Unicode.Utf8.IsValid(head) && !head.ContainsAnyInRange((byte)0, (byte)0x08)
            ? "\"" + System.Text.Encoding.UTF8.GetString(head).ReplaceLineEndings("\\n") + "\""
            : "0x" + Convert.ToHexString(head);
        string message = $"{status} from {from}, but the body is not a {scenario.Name} answer: {problem.Message}; "
            + $"first {head.Length} of {body.Length} bytes received: {preview}";
        return new ServingException(message, httpStatus, null, problem.Message, problem);
    }

    /// <summary>HTTP status code for REST calls; null for gRPC.</summary>
    public int? HttpStatus { get; }

    /// <summary>gRPC status for gRPC calls; null for REST.</summary>
    public StatusCode? GrpcStatus { get; }

    /// <summary>The server's own message (TF/Triton <c>error</c>, TorchServe <c>message</c>, gRPC status detail).</summary>
    public string ServerMessage { get; }
}
