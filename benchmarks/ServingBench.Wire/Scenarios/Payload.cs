namespace ServingBench.Wire.Scenarios;

/// <summary>
/// A payload's data: the request tensors, the file form where a deployment sends the file itself (JPEG, WAV,
/// UTF-8 text to TorchServe), and a response of the real output shape. Built by ServingBench.Payloads.
/// </summary>
public sealed class Payload
{
    public required PayloadKind Kind { get; init; }

    public required ModelSignature Model { get; init; }

    /// <summary>The preprocessed request tensors (what the model consumes).</summary>
    public required InferenceRequest TensorRequest { get; init; }

    /// <summary>The file as sent to a server that preprocesses itself: one BYTES element, or null where none applies.</summary>
    public InferenceRequest? FileRequest { get; init; }

    /// <summary>Content-Type of the file form (image/jpeg, audio/wav, text/plain).</summary>
    public string? FileContentType { get; init; }

    public required InferenceResponse Response { get; init; }

    /// <summary>How many different inputs the request carries (<see cref="PayloadKind.BatchSize"/>).</summary>
    public int BatchSize => Kind.BatchSize;

    /// <summary>
    /// The batch's inputs one by one, each a batch-1 payload (row i of the tensors, file i, row i of the answer): what
    /// TorchServe, whose wire carries one item per request, is sent as B separate requests. A batch-1 payload is its
    /// own one item.
    /// </summary>
    public IReadOnlyList<Payload> Items
    {
        get => _items is { Count: > 0 } items ? items : [this];
        init => _items = value;
    }

    private readonly IReadOnlyList<Payload>? _items;

    /// <summary>The request that scenario sends: the file for TorchServe raw bodies and input maps, else the tensors.</summary>
    public InferenceRequest RequestFor(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Framework == Framework.TorchServe && scenario.Encoding == Encoding.Raw && FileRequest is not null
            ? FileRequest
            : TensorRequest;
    }

    public override string ToString() => Kind.Name;
}
