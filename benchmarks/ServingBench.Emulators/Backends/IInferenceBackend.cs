namespace ServingBench.Emulators.Backends;

/// <summary>
/// What runs behind every emulated server: takes a decoded request for one served model and returns its outputs.
/// The hosts only decode, call this and encode, so an engine (ONNX Runtime) plugs in without host changes.
/// </summary>
/// <remarks>
/// A request carries either the model's input tensors or, for TorchServe's default handlers, one BYTES element
/// holding a file (JPEG, WAV, UTF-8 text) that the backend preprocesses itself. Invalid requests raise
/// <see cref="ServingBench.Wire.WireFormatException"/> with a message naming the problem (the hosts answer 400 /
/// INVALID_ARGUMENT with it). Implementations are thread-safe.
/// </remarks>
public interface IInferenceBackend
{
    /// <summary>Short name for reports and benchmark parameters: "canned", "onnx".</summary>
    string Name { get; }

    ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken);
}
