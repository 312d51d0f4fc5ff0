using System.Collections.Concurrent;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Statistics;

namespace ServingBench.Emulators.Batching;

/// <summary>
/// A host's dynamic batching: one <see cref="DynamicBatcher{TItem, TResult}"/> per model and input shape
/// (<see cref="TensorBatches.MergeKey"/>), all batchers of a model sharing its executors (Triton's model instances,
/// TF Serving's batch threads, TorchServe's workers). Each batch is one backend call on the merged inputs; every
/// request gets its own rows of the answer and its timing marks (queue until the batch starts, engine until it ends),
/// and the first request of each batch carries the execution the statistics count.
/// </summary>
internal sealed class BatchingScheduler(
    BatchingPolicy policy,
    IInferenceBackend backend,
    Func<string, CancellationToken, ValueTask<IDisposable>> enterExecutor,
    Func<InferenceRequest, int> batchUnits,
    Func<Exception>? queueFull = null,
    TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, DynamicBatcher<Job, InferenceResponse>> _batchers = new(StringComparer.Ordinal);

    public BatchingPolicy Policy { get; } = policy;

    /// <summary>
    /// The scheduler of a server whose batches run on <paramref name="executors"/> per model (Triton's instances, TF
    /// Serving's batch threads); null when <paramref name="policy"/> is null (batching off).
    /// </summary>
    public static BatchingScheduler? OnInstances(
        BatchingPolicy? policy, IInferenceBackend backend, IEnumerable<string> models, int executors, Func<InferenceRequest, int> batchUnits,
        Func<Exception>? queueFull = null)
    {
        if (policy is null)
        {
            return null;
        }

        var instances = new Hosting.ModelInstances(models, executors);
        return new BatchingScheduler(policy, backend, instances.EnterExecutorAsync, batchUnits, queueFull);
    }

    /// <summary>Request units the batch limit counts: the request's rows (Triton, TF Serving) or 1 per request (TorchServe).</summary>
    public int UnitsOf(InferenceRequest request) => batchUnits(request);

    /// <summary>
    /// Queues <paramref name="request"/> for a batch of <paramref name="model"/> and returns its own answer. The caller
    /// has already refused a request above the maximum with its framework's error; a full queue throws the server's
    /// own error (<c>queueFull</c>), or <see cref="BatchQueueFullException"/> where none was given.
    /// </summary>
    public Task<InferenceResponse> ScheduleAsync(ModelSignature model, string version, InferenceRequest request, RequestTiming timing, CancellationToken cancellationToken)
    {
        var batcher = _batchers.GetOrAdd(TensorBatches.MergeKey(model.Name, request), _ => new DynamicBatcher<Job, InferenceResponse>(
            Policy, cancellation => enterExecutor(model.Name, cancellation), jobs => ExecuteAsync(model, version, jobs), time));
        try
        {
            return batcher.SubmitAsync(new Job(request, timing), batchUnits(request), cancellationToken);
        }
        catch (BatchQueueFullException) when (queueFull is not null)
        {
            throw queueFull();
        }
    }

    private async Task<IReadOnlyList<InferenceResponse>> ExecuteAsync(ModelSignature model, string version, IReadOnlyList<Job> jobs)
    {
        foreach (var job in jobs)
        {
            job.Timing.Queued();
        }

        var requests = jobs.Select(j => j.Request).ToArray();
        int[] rows = [.. requests.Select(TensorBatches.Rows)];

        // One engine call for the whole batch; a request that leaves early does not cancel the others' call.
        var merged = await backend.InferAsync(model, TensorBatches.Merge(requests), CancellationToken.None).ConfigureAwait(false);
        var outputs = TensorBatches.Split(merged.Outputs, rows);
        int executionRows = rows.Sum();
        var responses = new InferenceResponse[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            var timing = jobs[i].Timing;
            timing.Computed();
            timing.ExecutionRows = executionRows;
            timing.CountsExecution = i == 0;
            responses[i] = new InferenceResponse { ModelName = model.Name, ModelVersion = version, Id = requests[i].Id, Outputs = outputs[i] };
        }

        return responses;
    }

    private sealed record Job(InferenceRequest Request, RequestTiming Timing);
}
