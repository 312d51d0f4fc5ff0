using ServingBench.Emulators.Backends;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Tensors;
using ServingBench.Wire;

namespace ServingBench.Emulators.Hosting;

/// <summary>The part every host shares: backend call, response stamped with the served name and version, encode.</summary>
internal static class Inference
{
    public static async Task<(WireContent Content, PooledBufferWriter Body)> RunAsync(
        IInferenceBackend backend, ModelSignature model, InferenceRequest request, IWireCodec responseCodec, string version, CancellationToken cancellationToken)
    {
        var response = await InferAsync(backend, model, request, version, cancellationToken).ConfigureAwait(false);
        return Encode(response, responseCodec);
    }

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

    public static (WireContent Content, PooledBufferWriter Body) Encode(InferenceResponse response, IWireCodec responseCodec)
    {
        var body = new PooledBufferWriter(16 * 1024);
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
}
