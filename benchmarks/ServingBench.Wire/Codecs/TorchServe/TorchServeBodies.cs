using System.Buffers;
using ServingBench.Wire.Tensors;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// What TorchServe's handlers do with bodies, shared by the REST and gRPC codecs: turn a raw body (a file, or
/// raw tensor bytes for a custom handler) into model inputs, and write / read the handler's JSON answer
/// (json.dumps(..., indent=2), floats as Python repr). STUB: replaced by the real implementation.
/// </summary>
public static class TorchServeBodies
{
    /// <summary>
    /// Interprets one raw input (REST body or gRPC input map entry) for <paramref name="model"/>: a JPEG, WAV or
    /// UTF-8 text file becomes a BYTES [1] tensor named <paramref name="inputName"/>; raw tensor bytes become the
    /// model's first input with its datatype and a batch of one.
    /// </summary>
    public static InferenceRequest DecodeInput(ReadOnlyMemory<byte> data, string? contentType, ModelSignature model, string inputName) =>
        throw new NotImplementedException();

    /// <summary>Writes the handler's answer for <paramref name="response"/> as TorchServe sends it.</summary>
    public static void WriteResponse(InferenceResponse response, ModelSignature model, IBufferWriter<byte> body) =>
        throw new NotImplementedException();

    /// <summary>Reads a handler answer written by <see cref="WriteResponse"/> (or by a real TorchServe handler).</summary>
    public static InferenceResponse ReadResponse(ReadOnlyMemory<byte> body, ModelSignature model) =>
        throw new NotImplementedException();
}
