namespace ServingBench.Emulators.Hosting;

/// <summary>
/// What one listener is for: a framework's inference REST or gRPC port, TorchServe's management port, a metrics port
/// (Triton 8002, TorchServe 8082; TF Serving serves its metrics on the REST port), the echo floor.
/// </summary>
public enum EndpointRole
{
    Rest,
    Grpc,
    Management,
    Metrics,
    EchoRest,
    EchoGrpc,
}

/// <summary>One bound listener, with the port actually bound (port 0 resolved).</summary>
public sealed record EmulatorEndpoint(string Server, EndpointRole Role, Uri Address)
{
    public Framework? Framework { get; init; }

    public override string ToString() => $"{Server,-10} {Describe(Role),-22} {Address}";

    private static string Describe(EndpointRole role) => role switch
    {
        EndpointRole.Rest => "REST (HTTP/1.1)",
        EndpointRole.Grpc => "gRPC (HTTP/2)",
        EndpointRole.Management => "management (HTTP/1.1)",
        EndpointRole.Metrics => "metrics (HTTP/1.1)",
        EndpointRole.EchoRest => "echo REST (HTTP/1.1)",
        EndpointRole.EchoGrpc => "echo gRPC (HTTP/2)",
        _ => role.ToString(),
    };
}
