using System.Runtime.InteropServices;
using ServingBench.Wire.Codecs;
using Kserve = ServingBench.Wire.Protos.Kserve;
using Tf = ServingBench.Wire.Protos.TensorFlow;
using TfServing = ServingBench.Wire.Protos.TfServing;

namespace ServingBench.Tests.Encodings;

/// <summary>
/// The FP16 and BF16 messages the codecs write parse with the classes Google.Protobuf generates from the official protos:
/// Triton's raw_input_contents with datatype FP16/BF16, TF Serving's DT_HALF/DT_BFLOAT16 in tensor_content and in
/// half_val (the proto's "DT_HALF, DT_BFLOAT16" field, one 16-bit pattern per int32).
/// </summary>
public class HalfProtoTests
{
    [Theory]
    [InlineData("resnet50-tensor-fp16", "FP16")]
    [InlineData("wav2vec2-audio-bf16", "BF16")]
    public void Triton_Raw_Request_And_Answer_Parse(string payloadName, string datatype)
    {
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        var codec = WireCodecs.Create(ScenarioCatalog.TritonGrpcRaw, payload.Model);

        var request = Kserve.ModelInferRequest.Parser.ParseFrom(Encode(w => codec.EncodeRequest(payload.TensorRequest, w)));
        var answer = Kserve.ModelInferResponse.Parser.ParseFrom(Encode(w => codec.EncodeResponse(payload.Response, w)));

        Assert.Equal(datatype, request.Inputs[0].Datatype);
        Assert.True(request.RawInputContents[0].Span.SequenceEqual(payload.TensorRequest.Inputs[0].Data.Span));
        Assert.Equal(datatype, answer.Outputs[0].Datatype);
        Assert.True(answer.RawOutputContents[0].Span.SequenceEqual(payload.Response.Outputs[0].Data.Span));
    }

    [Theory]
    [InlineData("resnet50-tensor-fp16", false)]
    [InlineData("resnet50-tensor-fp16", true)]
    [InlineData("wav2vec2-audio-bf16", false)]
    [InlineData("wav2vec2-audio-bf16", true)]
    public void TfServing_Request_And_Typed_Answer_Parse(string payloadName, bool raw)
    {
        var kind = ScenarioCatalog.ParsePayload(payloadName);
        var payload = PayloadFactory.Get(kind);
        var scenario = raw ? ScenarioCatalog.TfServingGrpcRaw : ScenarioCatalog.TfServingGrpcTyped;
        var codec = WireCodecs.Create(scenario, payload.Model);
        var dtype = kind.HalfType == DataType.FP16 ? Tf.DataType.DtHalf : Tf.DataType.DtBfloat16;

        var request = TfServing.PredictRequest.Parser.ParseFrom(Encode(w => codec.EncodeRequest(payload.TensorRequest, w)));
        var input = request.Inputs[payload.TensorRequest.Inputs[0].Name];
        Assert.Equal(dtype, input.Dtype);
        Assert.Equal(Bits(payload.TensorRequest.Inputs[0]), raw ? MemoryMarshal.Cast<byte, ushort>(input.TensorContent.Span).ToArray() : [.. input.HalfVal.Select(v => (ushort)v)]);

        // TF Serving answers in the typed field whatever the request used.
        var answer = TfServing.PredictResponse.Parser.ParseFrom(Encode(w => WireCodecs.Create(ScenarioCatalog.TfServingGrpcTyped, payload.Model).EncodeResponse(payload.Response, w)));
        var output = answer.Outputs[payload.Response.Outputs[0].Name];
        Assert.Equal(dtype, output.Dtype);
        Assert.Equal(Bits(payload.Response.Outputs[0]), output.HalfVal.Select(v => (ushort)v));
    }

    private static ushort[] Bits(Tensor tensor) => tensor.AsSpan<ushort>().ToArray();

    private static byte[] Encode(Action<ServingBench.Wire.PooledBufferWriter> encode)
    {
        using var body = new ServingBench.Wire.PooledBufferWriter(new ServingBench.Wire.BufferPool());
        encode(body);
        return body.ToArray();
    }
}
