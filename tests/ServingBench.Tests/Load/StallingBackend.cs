using ServingBench.Emulators.Backends;

namespace ServingBench.Tests.Load;

/// <summary>
/// Test-only backend hook: answers as the wrapped backend does, but every request that arrives inside an armed stall
/// window is held until the window ends (a server pausing, e.g. for a GC), and each answer can take a fixed extra time.
/// </summary>
internal sealed class StallingBackend(IInferenceBackend inner, TimeSpan? perRequest = null) : IInferenceBackend
{
    private long _stallStartTicks = long.MaxValue;
    private long _stallEndTicks = long.MaxValue;

    public string Name => inner.Name;

    /// <summary>Requests arriving between <paramref name="start"/> and start + <paramref name="length"/> wait until the end.</summary>
    public void StallAt(DateTime start, TimeSpan length)
    {
        Interlocked.Exchange(ref _stallEndTicks, (start + length).Ticks);
        Interlocked.Exchange(ref _stallStartTicks, start.Ticks);
    }

    public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        long now = DateTime.UtcNow.Ticks;
        long end = Interlocked.Read(ref _stallEndTicks);
        if (now >= Interlocked.Read(ref _stallStartTicks) && now < end)
        {
            await Task.Delay(TimeSpan.FromTicks(end - now), cancellationToken);
        }

        if (perRequest is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
        }

        return await inner.InferAsync(model, request, cancellationToken);
    }
}
