namespace ServingBench.Wire.Tensors;

/// <summary>An output the client asks for; <see cref="Binary"/> maps to Triton's per-output binary_data.</summary>
public sealed record RequestedOutput(string Name, bool? Binary = null);

/// <summary>One inference request in framework-neutral form; every codec maps it to and from its wire format.</summary>
public sealed class InferenceRequest
{
    public required string ModelName { get; init; }

    /// <summary>Model version; null lets the server choose (latest / default).</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Request id (KServe "id"); null when not sent.</summary>
    public string? Id { get; init; }

    /// <summary>TF Serving signature; null for the server's default ("serving_default").</summary>
    public string? SignatureName { get; init; }

    public required IReadOnlyList<Tensor> Inputs { get; init; }

    /// <summary>Outputs to return; empty means all.</summary>
    public IReadOnlyList<RequestedOutput> Outputs { get; init; } = [];

    /// <summary>Triton's request-level binary_data_output: every output in binary unless overridden.</summary>
    public bool BinaryDataOutput { get; init; }

    public Tensor Input(string name) => Inputs.FirstOrDefault(t => t.Name == name)
        ?? throw new WireFormatException($"request has no input '{name}'");
}

/// <summary>One inference response in framework-neutral form.</summary>
public sealed class InferenceResponse
{
    public required string ModelName { get; init; }

    public string? ModelVersion { get; init; }

    public string? Id { get; init; }

    public required IReadOnlyList<Tensor> Outputs { get; init; }

    public Tensor Output(string name) => Outputs.FirstOrDefault(t => t.Name == name)
        ?? throw new WireFormatException($"response has no output '{name}'");
}
