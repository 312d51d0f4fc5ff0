using System.Buffers;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Wire.Codecs.TfServing;

// STUB: replaced by the real codec.
public sealed class TfServingGrpcCodec(Scenario scenario, ModelSignature model, bool raw) : IWireCodec
{
    public Scenario Scenario { get; } = scenario;

    public ModelSignature Model { get; } = model;

    public bool Variant { get; } = raw;

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body) => throw new NotImplementedException();

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content) => throw new NotImplementedException();

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body) => throw new NotImplementedException();

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content) => throw new NotImplementedException();
}
