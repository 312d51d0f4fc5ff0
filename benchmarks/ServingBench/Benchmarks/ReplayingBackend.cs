using ServingBench.Emulators.Backends;
using ServingBench.Wire.Tensors;

namespace ServingBench.Benchmarks;

/// <summary>
/// Passes requests to a model backend, or, while <see cref="Replaying"/>, answers each with the model's answer
/// recorded once. A model row makes a few dozen calls, too few for tiered compilation to optimise the client, codec
/// and server code around them; replaying runs that very code (same request, same answer, same check) a thousand
/// times at canned speed first, so the model row measures the protocol as compiled as the canned row does.
/// </summary>
internal sealed class ReplayingBackend(IInferenceBackend engine) : IInferenceBackend
{
    private InferenceResponse? _recorded;

    public string Name => engine.Name;

    /// <summary>True: answer with the recorded answer without running the engine.</summary>
    public bool Replaying { get; set; }

    /// <summary>Runs the engine once and keeps its answer for replaying.</summary>
    public async ValueTask<InferenceResponse> RecordAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        _recorded = await engine.InferAsync(model, request, cancellationToken).ConfigureAwait(false);
        return _recorded;
    }

    public ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken) =>
        Replaying && _recorded is not null ? ValueTask.FromResult(_recorded) : engine.InferAsync(model, request, cancellationToken);
}
