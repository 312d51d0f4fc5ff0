namespace ServingBench.Emulators.Hosting;

/// <summary>
/// The scheduler in front of each model of Triton and TF Serving: <c>instances</c> executions run at once (Triton's
/// <c>instance_group</c> count), the rest wait their turn. The wait is what the servers publish as queue time, so it
/// happens here, in the host, rather than unseen inside the backend's engine pool (which has as many engines). The
/// semaphores are never disposed: they hold no wait handle until one is asked for, and none is.
/// </summary>
internal sealed class ModelInstances
{
    private readonly Dictionary<string, SemaphoreSlim> _slots;

    public ModelInstances(IEnumerable<string> models, int instances)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        _slots = models.ToDictionary(m => m, _ => new SemaphoreSlim(instances, instances), StringComparer.Ordinal);
    }

    /// <summary>Waits for a free instance of <paramref name="model"/>; dispose the result to free it.</summary>
    public async ValueTask<Slot> EnterAsync(string model, CancellationToken cancellationToken)
    {
        var slots = _slots[model];
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

    /// <summary>The same wait, for a dynamic batcher's executor gate (one boxed slot per batch, not per request).</summary>
    public async ValueTask<IDisposable> EnterExecutorAsync(string model, CancellationToken cancellationToken) =>
        await EnterAsync(model, cancellationToken).ConfigureAwait(false);

    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
