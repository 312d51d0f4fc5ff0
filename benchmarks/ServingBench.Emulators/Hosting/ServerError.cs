using System.Net;
using Grpc.Core;

namespace ServingBench.Emulators.Hosting;

/// <summary>Framework-neutral error kinds; each host maps them to its framework's HTTP status and gRPC code.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    Unavailable,
    TooLarge,
    Unimplemented,

    /// <summary>A known path asked with the wrong HTTP method (REST only).</summary>
    MethodNotAllowed,
    Internal,
}

/// <summary>A request the emulator refuses, with the message the real server would give.</summary>
public sealed class ServerError : Exception
{
    public ServerError(ErrorKind kind, string message, string? torchServeType = null)
        : base(message)
    {
        Kind = kind;
        TorchServeType = torchServeType;
    }

    public ServerError()
        : this(ErrorKind.Internal, "internal error")
    {
    }

    public ServerError(string message)
        : this(ErrorKind.Internal, message)
    {
    }

    public ServerError(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = ErrorKind.Internal;
    }

    public ErrorKind Kind { get; }

    /// <summary>Headers the server's error answer carries (Triton names the codings it takes beside a 501); none by default.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The exception class TorchServe names in its error body's "type" ("ModelNotFoundException"); null: derived from <see cref="Kind"/>.</summary>
    public string? TorchServeType { get; }

    /// <summary>HTTP status as TF Serving / Triton map these kinds.</summary>
    public int HttpStatus => Kind switch
    {
        ErrorKind.InvalidArgument => (int)HttpStatusCode.BadRequest,
        ErrorKind.NotFound => (int)HttpStatusCode.NotFound,
        ErrorKind.Unavailable => (int)HttpStatusCode.ServiceUnavailable,
        ErrorKind.TooLarge => (int)HttpStatusCode.RequestEntityTooLarge,
        ErrorKind.Unimplemented => (int)HttpStatusCode.NotImplemented,
        ErrorKind.MethodNotAllowed => (int)HttpStatusCode.MethodNotAllowed,
        _ => (int)HttpStatusCode.InternalServerError,
    };

    public StatusCode GrpcStatus => Kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        ErrorKind.TooLarge => StatusCode.ResourceExhausted,
        ErrorKind.Unimplemented or ErrorKind.MethodNotAllowed => StatusCode.Unimplemented,
        _ => StatusCode.Internal,
    };
}
