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
    Internal,
}

/// <summary>A request the emulator refuses, with the message the real server would give.</summary>
public sealed class ServerError : Exception
{
    public ServerError(ErrorKind kind, string message, string? typeName = null)
        : base(message)
    {
        Kind = kind;
        TypeName = typeName;
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

    /// <summary>TorchServe's exception class name for its error body ("ModelNotFoundException").</summary>
    public string? TypeName { get; }

    /// <summary>HTTP status as TF Serving / Triton map these kinds.</summary>
    public int HttpStatus => Kind switch
    {
        ErrorKind.InvalidArgument => (int)HttpStatusCode.BadRequest,
        ErrorKind.NotFound => (int)HttpStatusCode.NotFound,
        ErrorKind.Unavailable => (int)HttpStatusCode.ServiceUnavailable,
        ErrorKind.TooLarge => (int)HttpStatusCode.RequestEntityTooLarge,
        ErrorKind.Unimplemented => (int)HttpStatusCode.NotImplemented,
        _ => (int)HttpStatusCode.InternalServerError,
    };

    public StatusCode GrpcStatus => Kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        ErrorKind.TooLarge => StatusCode.ResourceExhausted,
        ErrorKind.Unimplemented => StatusCode.Unimplemented,
        _ => StatusCode.Internal,
    };
}
