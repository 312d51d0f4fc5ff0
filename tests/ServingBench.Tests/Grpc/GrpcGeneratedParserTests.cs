using Google.Protobuf;
using ServingBench.Wire.Codecs;
using Kserve = ServingBench.Wire.Protos.Kserve;
using Tf = ServingBench.Wire.Protos.TensorFlow;
using TfServing = ServingBench.Wire.Protos.TfServing;
using TorchServe = ServingBench.Wire.Protos.TorchServe;
using static ServingBench.Tests.Grpc.GrpcTestData;

namespace ServingBench.Tests.Grpc;

/// <summary>Our hand-written writer and reader agree with Google.Protobuf's generated types from protos/.</summary>
public class GrpcGeneratedParserTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TfServing_Request_Parses_With_Generated_Types(bool raw)
    {
        var codec = Codec(raw ? ScenarioCatalog.TfServingGrpcRaw : ScenarioCatalog.TfServingGrpcTyped);
        var request = new InferenceRequest { ModelName = "m", ModelVersion = "7", SignatureName = "sig", Inputs = [Fp32("f"), Int64("i"), Bytes("s")] };

        var parsed = TfServing.PredictRequest.Parser.ParseFrom(EncodeRequest(codec, request));

        Assert.Equal("m", parsed.ModelSpec.Name);
        Assert.Equal(7, parsed.ModelSpec.Version);
        Assert.Equal("sig", parsed.ModelSpec.SignatureName);
        var f = parsed.Inputs["f"];
        Assert.Equal(Tf.DataType.DtFloat, f.Dtype);
        Assert.Equal([2L, 3L], f.TensorShape.Dim.Select(d => d.Size));
        float[] floats = raw ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(f.TensorContent.Span).ToArray() : [.. f.FloatVal];
        Assert.Equal(Fp32("f").AsSpan<float>().ToArray(), floats);
        var i = parsed.Inputs["i"];
        Assert.Equal(Tf.DataType.DtInt64, i.Dtype);
        long[] longs = raw ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(i.TensorContent.Span).ToArray() : [.. i.Int64Val];
        Assert.Equal(Int64("i").AsSpan<long>().ToArray(), longs);
        var s = parsed.Inputs["s"];
        Assert.Equal(Tf.DataType.DtString, s.Dtype);
        Assert.Equal(Bytes("s").GetBytesElements().Select(e => e.ToArray()), s.StringVal.Select(b => b.ToByteArray()));
    }

    [Fact]
    public void TfServing_Generated_Messages_Decode_With_Our_Reader()
    {
        var tensor = new Tf.TensorProto { Dtype = Tf.DataType.DtFloat, TensorShape = Shape(2, 2) };
        tensor.FloatVal.Add([1f, 2.5f, -3f, 0.1f]);
        var request = new TfServing.PredictRequest { ModelSpec = new TfServing.ModelSpec { Name = "m", VersionLabel = "stable" } };
        request.Inputs.Add("x", tensor);
        request.Inputs.Add("c", new Tf.TensorProto { Dtype = Tf.DataType.DtInt64, TensorShape = Shape(3), Int64Val = { 5 } });
        request.OutputFilter.Add("y");

        var decoded = Codec(ScenarioCatalog.TfServingGrpcRaw).DecodeRequest(request.ToByteArray(), WireContent.Protobuf);

        Assert.Equal("m", decoded.ModelName);
        Assert.Equal("stable", decoded.ModelVersion);
        Assert.Equal(["y"], decoded.Outputs.Select(o => o.Name));
        Assert.True(Golden().ContentEquals(decoded.Input("x")));
        // One int64_val for three elements: TF fills the rest with the last value.
        Assert.Equal([5L, 5L, 5L], decoded.Input("c").AsSpan<long>().ToArray());

        var response = new TfServing.PredictResponse { ModelSpec = new TfServing.ModelSpec { Name = "m", Version = 4 } };
        response.Outputs.Add("y", new Tf.TensorProto { Dtype = Tf.DataType.DtFloat, TensorShape = Shape(2, 2), TensorContent = ByteString.CopyFrom(Golden().Data.Span) });
        var decodedResponse = Codec(ScenarioCatalog.TfServingGrpcTyped).DecodeResponse(response.ToByteArray(), WireContent.Protobuf);
        Assert.Equal("4", decodedResponse.ModelVersion);
        Assert.True(Golden("y").ContentEquals(decodedResponse.Output("y")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Triton_Request_Parses_With_Generated_Types(bool raw)
    {
        var codec = Codec(raw ? ScenarioCatalog.TritonGrpcRaw : ScenarioCatalog.TritonGrpcTyped);
        var request = new InferenceRequest { ModelName = "m", ModelVersion = "2", Id = "r", Inputs = [Fp32("f"), Int64("i"), Bytes("s")], Outputs = [new RequestedOutput("y")] };

        var parsed = Kserve.ModelInferRequest.Parser.ParseFrom(EncodeRequest(codec, request));

        Assert.Equal(("m", "2", "r"), (parsed.ModelName, parsed.ModelVersion, parsed.Id));
        Assert.Equal(["f", "i", "s"], parsed.Inputs.Select(t => t.Name));
        Assert.Equal(["FP32", "INT64", "BYTES"], parsed.Inputs.Select(t => t.Datatype));
        Assert.Equal([2L, 3L], parsed.Inputs[0].Shape);
        Assert.Equal(["y"], parsed.Outputs.Select(o => o.Name));
        if (raw)
        {
            Assert.Equal(3, parsed.RawInputContents.Count);
            Assert.All(parsed.Inputs, t => Assert.Null(t.Contents));
            Assert.Equal(Bytes("s").Data.ToArray(), parsed.RawInputContents[2].ToByteArray());
        }
        else
        {
            Assert.Empty(parsed.RawInputContents);
            Assert.Equal(Fp32("f").AsSpan<float>().ToArray(), parsed.Inputs[0].Contents.Fp32Contents);
            Assert.Equal(Int64("i").AsSpan<long>().ToArray(), parsed.Inputs[1].Contents.Int64Contents);
            Assert.Equal(3, parsed.Inputs[2].Contents.BytesContents.Count);
        }
    }

    [Fact]
    public void Triton_Generated_Messages_Decode_With_Our_Reader()
    {
        var request = new Kserve.ModelInferRequest { ModelName = "m" };
        var input = new Kserve.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 2, 2 }, Contents = new Kserve.InferTensorContents() };
        input.Contents.Fp32Contents.Add([1f, 2.5f, -3f, 0.1f]);
        request.Inputs.Add(input);
        var decoded = Codec(ScenarioCatalog.TritonGrpcRaw).DecodeRequest(request.ToByteArray(), WireContent.Protobuf);
        Assert.True(Golden().ContentEquals(decoded.Input("x")));

        var response = new Kserve.ModelInferResponse { ModelName = "m", ModelVersion = "1" };
        response.Outputs.Add(new Kserve.ModelInferResponse.Types.InferOutputTensor { Name = "y", Datatype = "FP32", Shape = { 2, 2 } });
        response.RawOutputContents.Add(ByteString.CopyFrom(Golden().Data.Span));
        var decodedResponse = Codec(ScenarioCatalog.TritonGrpcTyped).DecodeResponse(response.ToByteArray(), WireContent.Protobuf);
        Assert.True(Golden("y").ContentEquals(decodedResponse.Output("y")));
    }

    [Fact]
    public void TorchServe_Request_Parses_With_Generated_Types()
    {
        var request = new InferenceRequest { ModelName = "m", ModelVersion = "1.0", Inputs = [Golden()] };
        var parsed = TorchServe.PredictionsRequest.Parser.ParseFrom(EncodeRequest(Codec(ScenarioCatalog.TorchServeGrpcRaw), request));

        Assert.Equal(("m", "1.0"), (parsed.ModelName, parsed.ModelVersion));
        Assert.Equal(["data"], parsed.Input.Keys);
        Assert.Equal(Golden().Data.ToArray(), parsed.Input["data"].ToByteArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Responses_Take_The_Form_The_Real_Servers_Send(bool raw)
    {
        var response = Response(Fp32("y"));

        // TF Serving answers with typed fields (AsProtoField) whatever the request used.
        var tf = TfServing.PredictResponse.Parser.ParseFrom(EncodeResponse(Codec(raw ? ScenarioCatalog.TfServingGrpcRaw : ScenarioCatalog.TfServingGrpcTyped), response));
        Assert.Equal(("m", 3L), (tf.ModelSpec.Name, tf.ModelSpec.Version));
        Assert.True(tf.Outputs["y"].TensorContent.IsEmpty);
        Assert.Equal(Fp32("y").AsSpan<float>().ToArray(), tf.Outputs["y"].FloatVal);

        // Triton answers in raw_output_contents whatever the request used.
        var triton = Kserve.ModelInferResponse.Parser.ParseFrom(EncodeResponse(Codec(raw ? ScenarioCatalog.TritonGrpcRaw : ScenarioCatalog.TritonGrpcTyped), response));
        Assert.Equal(("m", "3"), (triton.ModelName, triton.ModelVersion));
        Assert.Null(triton.Outputs[0].Contents);
        Assert.Equal(Fp32("y").Data.ToArray(), triton.RawOutputContents.Single().ToByteArray());
    }

    [Fact]
    public void Unpacked_Repeated_Scalars_Are_Accepted()
    {
        // Parsers must accept unpacked repeated scalars: int64_val (10, VARINT = 50) twice, float_val (5, I32 = 2D) twice.
        var body = Hex(
            "0A 03 0A 01 6D" +                              // model_spec { name "m" }
            "12 11 0A 01 69 12 0C" +                        // inputs entry "i", TensorProto of 12 bytes
            "  08 09 12 04 12 02 08 02 50 05 50 7F" +       //   DT_INT64, shape [2], int64_val 5, int64_val 127
            "12 17 0A 01 66 12 12" +                        // inputs entry "f", TensorProto of 18 bytes
            "  08 01 12 04 12 02 08 02 2D 0000803F 2D 000040C0"); // DT_FLOAT, shape [2], float_val 1, float_val -3
        var decoded = Codec(ScenarioCatalog.TfServingGrpcTyped).DecodeRequest(body, WireContent.Protobuf);

        Assert.Equal([5L, 127L], decoded.Input("i").AsSpan<long>().ToArray());
        Assert.Equal([1f, -3f], decoded.Input("f").AsSpan<float>().ToArray());
        var parsed = TfServing.PredictRequest.Parser.ParseFrom(body);
        Assert.Equal([5L, 127L], parsed.Inputs["i"].Int64Val);
    }

    private static Tf.TensorShapeProto Shape(params long[] dims)
    {
        var shape = new Tf.TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new Tf.TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }
}
