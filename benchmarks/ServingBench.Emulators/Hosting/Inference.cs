using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Batching;
using ServingBench.Emulators.Statistics;
using ServingBench.Wire.Codecs;

namespace ServingBench.Emulators.Hosting;

/// <summary>The part every host shares: backend call, response stamped with the served name and version, encode.</summary>
internal static class Inference
{
    public static async Task<InferenceResponse> InferAsync(
        IInferenceBackend backend, ModelSignature model, InferenceRequest request, string version, CancellationToken cancellationToken)
    {
        var result = await backend.InferAsync(model, request, cancellationToken).ConfigureAwait(false);
        return new InferenceResponse
        {
            ModelName = model.Name,
            ModelVersion = version,
            Id = request.Id,
            Outputs = result.Outputs,
        };
    }

    /// <summary>
    /// The pipeline Triton and TF Serving share, each stage marked on <paramref name="timing"/>: decode, wait for an
    /// instance of the model or a batch (queue), backend (engine), encode. <paramref name="admit"/> refuses a request
    /// beyond the server's batch limit with its own error before it queues; <paramref name="batching"/>, when the
    /// server batches, merges it with others. The caller records the outcome in its framework's terms.
    /// </summary>
    public static async Task<(WireContent Content, PooledBufferWriter Body)> PipelineAsync(
        ModelInstances instances, IInferenceBackend backend, ModelSignature model, string version, RequestTiming timing,
        Func<(InferenceRequest Request, IWireCodec ResponseCodec)> decode, BufferPool buffers, CancellationToken cancellationToken,
        Action<ModelSignature, InferenceRequest>? admit = null, BatchingScheduler? batching = null)
    {
        var (decoded, responseCodec) = decode();
        timing.BatchSize = BatchSize(decoded);
        timing.Decoded();
        admit?.Invoke(model, decoded);
        var response = batching is null
            ? await ScheduleAsync(instances, backend, model, decoded, version, timing, cancellationToken).ConfigureAwait(false)
            : await batching.ScheduleAsync(model, version, decoded, timing, cancellationToken).ConfigureAwait(false);
        var encoded = Encode(response, responseCodec, buffers);
        timing.Encoded();
        return encoded;
    }

    /// <summary>Waits for a free instance of the model (the queue), then calls the backend (the engine), marking both on <paramref name="timing"/>.</summary>
    public static async Task<InferenceResponse> ScheduleAsync(
        ModelInstances instances, IInferenceBackend backend, ModelSignature model, InferenceRequest request, string version, RequestTiming timing,
        CancellationToken cancellationToken)
    {
        using var slot = await instances.EnterAsync(model.Name, cancellationToken).ConfigureAwait(false);
        timing.Queued();
        var response = await InferAsync(backend, model, request, version, cancellationToken).ConfigureAwait(false);
        timing.Computed();
        return response;
    }

    public static (WireContent Content, PooledBufferWriter Body) Encode(InferenceResponse response, IWireCodec responseCodec, BufferPool buffers)
    {
        var body = new PooledBufferWriter(buffers, 16 * 1024);
        try
        {
            var content = responseCodec.EncodeResponse(response, body);
            return (content, body);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Rows in the request's first input: the batch the statistics count inferences by.</summary>
    public static int BatchSize(InferenceRequest request) => TensorBatches.Rows(request);
}
