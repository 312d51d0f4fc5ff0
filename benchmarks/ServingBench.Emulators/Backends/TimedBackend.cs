using System.Diagnostics;
using ServingBench.Wire.Tensors;

namespace ServingBench.Emulators.Backends;

/// <summary>
/// Wraps a backend and adds up the time spent inside it, as a server's own statistics do (Triton's
/// <c>compute_infer</c>). A client that sends one request at a time and takes the total after each answer gets that
/// request's engine time; the round trip minus it is the protocol's part of the very same call, with the model's
/// variation paired out (docs/end-to-end.md, "The paired check").
/// </summary>
public sealed class TimedBackend : IInferenceBackend
{
    private readonly IInferenceBackend _inner;
    private long _ticks;

    public TimedBackend(IInferenceBackend inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    public string Name => _inner.Name;

    public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            return await _inner.InferAsync(model, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>The <see cref="Stopwatch"/> ticks spent inside the backend since the last call, and starts again from zero.</summary>
    public long TakeElapsedTicks() => Interlocked.Exchange(ref _ticks, 0);
}
