using ServingBench.Emulators.Backends;

namespace ServingBench.Tests.Load;

/// <summary>
/// Answers as the wrapped backend does, once held: then each request waits for <see cref="Release"/>, and the task
/// <see cref="Hold"/> returned completes once one has arrived (the test's signal that the server holds a call).
/// </summary>
internal sealed class GatedBackend(IInferenceBackend inner) : IInferenceBackend
{
    private TaskCompletionSource _gate = Opened();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;

    public Task Hold()
    {
        _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _arrived.Task;
    }

    public void Release() => _gate.TrySetResult();

    public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        var gate = _gate.Task;
        _arrived.TrySetResult();
        await gate.WaitAsync(cancellationToken);
        return await inner.InferAsync(model, request, cancellationToken);
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
