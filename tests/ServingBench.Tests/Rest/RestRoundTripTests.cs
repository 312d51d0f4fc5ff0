using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Codecs;
using static ServingBench.Tests.Rest.RestFixtures;

namespace ServingBench.Tests.Rest;

/// <summary>decode(encode(x)) == x, bit for bit, for every REST codec in both directions.</summary>
public class RestRoundTripTests
{
    private static readonly ModelSignature Floats3d = new(
        "f",
        [new TensorSpec("pixel_values", DataType.FP32, [-1, 3, -1])],
        [new TensorSpec("logits", DataType.FP32, [-1, -1])]);

    public static TheoryData<string> Scenarios() => ScenarioNames();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Float32_Request_Round_Trips_Bit_Exact(string scenario)
    {
        var codec = Codec(scenario, Floats3d);
        bool raw = ByName(scenario).Encoding == Wire.Scenarios.Encoding.Raw;
        long[] shape = raw ? [1, 3, 5] : [2, 3, 5];
        var request = new InferenceRequest
        {
            ModelName = "f",
            Inputs = [Tensor.FromFloats("pixel_values", shape, RandomFloats(raw ? 15 : 30, Seed))],
        };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Float32_Response_Round_Trips_Bit_Exact(string scenario)
    {
        var codec = Codec(scenario, Floats3d);
        var response = new InferenceResponse
        {
            ModelName = "f",
            Outputs = [Tensor.FromFloats("logits", [3, 7], RandomFloats(21, Seed + 1))],
        };
        var (body, content) = Encode(w => codec.EncodeResponse(response, w));
        var decoded = codec.DecodeResponse(body, content);
        AssertSameTensors(response.Outputs, decoded.Outputs);
        Assert.Equal("f", decoded.ModelName);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Int64_Round_Trips_Both_Directions(string scenario)
    {
        var codec = Codec(scenario, Ids);
        var request = new InferenceRequest { ModelName = "ids", Inputs = [Tensor.FromInt64s("input_ids", [1, 9], RandomInt64s(9, Seed))] };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);

        var response = new InferenceResponse { ModelName = "ids", Outputs = [Tensor.FromInt64s("output_ids", [2, 4], RandomInt64s(8, Seed + 2))] };
        (body, content) = Encode(w => codec.EncodeResponse(response, w));
        AssertSameTensors(response.Outputs, codec.DecodeResponse(body, content).Outputs);
    }

    [Theory]
    [InlineData("tfserving-rest-json-row")]
    [InlineData("tfserving-rest-json-col")]
    [InlineData("triton-rest-binary")]
    [InlineData("torchserve-rest-json")]
    public void NaN_And_Infinity_Round_Trip_Where_The_Format_Allows(string scenario)
    {
        var codec = Codec(scenario, Floats3d);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.5f, -0.25f, 1e-45f];
        var request = new InferenceRequest { ModelName = "f", Inputs = [Tensor.FromFloats("pixel_values", [1, 3, 2], specials)] };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);

        var response = new InferenceResponse { ModelName = "f", Outputs = [Tensor.FromFloats("logits", [2, 3], specials)] };
        (body, content) = Encode(w => codec.EncodeResponse(response, w));
        AssertSameTensors(response.Outputs, codec.DecodeResponse(body, content).Outputs);
    }

    [Fact]
    public void Triton_Json_Rejects_NaN_Which_Json_Cannot_Carry()
    {
        var codec = Codec("triton-rest-json", Floats3d);
        var request = new InferenceRequest { ModelName = "f", Inputs = [Tensor.FromFloats("pixel_values", [1, 3, 1], [1f, float.NaN, 2f])] };
        Assert.Throws<WireFormatException>(() => Encode(w => codec.EncodeRequest(request, w)));
        var response = new InferenceResponse { ModelName = "f", Outputs = [Tensor.FromFloats("logits", [1, 1], [float.PositiveInfinity])] };
        Assert.Throws<WireFormatException>(() => Encode(w => codec.EncodeResponse(response, w)));
    }

    [Theory]
    [InlineData("tfserving-rest-json-row")]
    [InlineData("tfserving-rest-json-col")]
    public void TfServing_Bytes_Travel_As_B64_Objects(string scenario)
    {
        var model = new ModelSignature("b", [new TensorSpec("image_bytes", DataType.Bytes, [-1])], [new TensorSpec("out_bytes", DataType.Bytes, [-1])]);
        var codec = Codec(scenario, model);
        ReadOnlyMemory<byte>[] elements = [new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 0x22 }, Array.Empty<byte>(), "text \"quoted\""u8.ToArray()];
        var request = new InferenceRequest { ModelName = "b", Inputs = [Tensor.FromBytesElements("image_bytes", [3], elements)] };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        Assert.Contains("\"b64\"", BodyText(body), StringComparison.Ordinal);
        AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);

        var response = new InferenceResponse { ModelName = "b", Outputs = [Tensor.FromBytesElements("out_bytes", [3], elements)] };
        (body, content) = Encode(w => codec.EncodeResponse(response, w));
        Assert.Contains("\"b64\": \"/9j/ACI=\"", BodyText(body), StringComparison.Ordinal);
        AssertSameTensors(response.Outputs, codec.DecodeResponse(body, content).Outputs);
    }

    [Theory]
    [InlineData("triton-rest-json")]
    [InlineData("triton-rest-binary")]
    public void Triton_Bytes_Round_Trip(string scenario)
    {
        var model = new ModelSignature("t", [new TensorSpec("text", DataType.Bytes, [-1, -1])], [new TensorSpec("labels", DataType.Bytes, [-1])]);
        var codec = Codec(scenario, model);
        ReadOnlyMemory<byte>[] elements = ["plain"u8.ToArray(), "quote \" backslash \\ newline \n tab \t"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes("ünïcødé 😀"), Array.Empty<byte>()];
        var request = new InferenceRequest { ModelName = "t", Inputs = [Tensor.FromBytesElements("text", [2, 2], elements)] };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);

        var response = new InferenceResponse { ModelName = "t", Outputs = [Tensor.FromBytesElements("labels", [4], elements)] };
        (body, content) = Encode(w => codec.EncodeResponse(response, w));
        AssertSameTensors(response.Outputs, codec.DecodeResponse(body, content).Outputs);
    }

    [Fact]
    public void TfServing_Several_Inputs_Round_Trip_In_Both_Formats()
    {
        var model = new ModelSignature(
            "bart",
            [new TensorSpec("input_ids", DataType.Int64, [-1, -1]), new TensorSpec("attention_mask", DataType.Int64, [-1, -1])],
            [new TensorSpec("output_ids", DataType.Int64, [-1, -1])]);
        var request = new InferenceRequest
        {
            ModelName = "bart",
            Inputs = [Tensor.FromInt64s("input_ids", [2, 3], [0, 1, 2, 3, 4, 5]), Tensor.FromInt64s("attention_mask", [2, 3], [1, 1, 1, 1, 1, 0])],
        };
        foreach (var scenario in new[] { "tfserving-rest-json-row", "tfserving-rest-json-col" })
        {
            var codec = Codec(scenario, model);
            var (body, content) = Encode(w => codec.EncodeRequest(request, w));
            AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);
        }
    }

    [Fact]
    public void Triton_Request_Keeps_Id_Outputs_And_Binary_Flags()
    {
        var codec = Codec("triton-rest-binary", Tiny);
        var request = new InferenceRequest
        {
            ModelName = "m",
            Id = "42",
            Inputs = [TinyTensor()],
            Outputs = [new RequestedOutput("x", Binary: true)],
        };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        var decoded = codec.DecodeRequest(body, content);
        Assert.Equal("42", decoded.Id);
        Assert.True(decoded.BinaryDataOutput);
        Assert.Equal([new RequestedOutput("x", true)], decoded.Outputs);
        AssertSameTensors(request.Inputs, decoded.Inputs);
    }

    [Fact]
    public void Triton_Binary_Decode_Views_The_Body_In_Place()
    {
        var codec = Codec("triton-rest-binary", Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        var decoded = codec.DecodeRequest(body, content);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.Inputs[0].Data, out var segment));
        Assert.Same(body, segment.Array);
        Assert.Equal(content.InferenceHeaderLength, segment.Offset);
    }

    [Fact]
    public void Triton_Json_Accepts_Nested_Data_And_Members_In_Any_Order()
    {
        var codec = Codec("triton-rest-json", Tiny);
        var body = """{"inputs":[{"data":[[1,2.5],[-3,0.1]],"datatype":"FP32","shape":[2,2],"name":"x"}]}"""u8.ToArray();
        AssertSameTensors([TinyTensor()], codec.DecodeRequest(body, WireContent.Json).Inputs);
    }

    [Fact]
    public void TfServing_Accepts_Float32_Integers_Within_The_Mantissa_And_Floats_Beyond()
    {
        var codec = Codec("tfserving-rest-json-col", Tiny);
        var decoded = codec.DecodeRequest("""{"inputs": [[16777215, 16777216.0, 1e+07, -16777215]]}"""u8.ToArray(), WireContent.Json);
        Assert.Equal([16777215f, 16777216f, 1e7f, -16777215f], decoded.Inputs[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void TfServing_Accepts_Integer_Numbers_For_Float32()
    {
        var codec = Codec("tfserving-rest-json-row", Tiny);
        var decoded = codec.DecodeRequest("""{"instances": [[1, 2.5], [-3, 0.1]]}"""u8.ToArray(), WireContent.Json);
        AssertSameTensors([TinyTensor()], decoded.Inputs);
    }

    [Fact]
    public void TorchServe_Raw_File_Request_Round_Trips_With_Its_Content_Type()
    {
        var codec = Codec("torchserve-rest-raw", ModelCatalog.Resnet50.Signature);
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
        var request = new InferenceRequest { ModelName = "resnet50", Inputs = [Tensor.FromBytesElements("body", [1], [jpeg])] };
        var (body, content) = Encode(w => codec.EncodeRequest(request, w));
        Assert.Equal(jpeg, body);
        Assert.Equal("image/jpeg", content.ContentType);
        AssertSameTensors(request.Inputs, codec.DecodeRequest(body, content).Inputs);
    }
}
