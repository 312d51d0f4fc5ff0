using ServingBench.Wire.Codecs;
using ServingBench.Wire.Codecs.TorchServe;
using static ServingBench.Tests.Rest.RestFixtures;

namespace ServingBench.Tests.Rest;

/// <summary>The exact bytes each REST format carries for the tiny tensor FP32 [2,2] = 1, 2.5, −3, 0.1 named "x" of model "m".</summary>
public class RestGoldenVectorTests
{
    // The tiny tensor's raw bytes: 1, 2.5, −3 and 0.1f as little-endian FP32.
    private const string TinyTensorHex = "0000803F00002040000040C0CDCCCC3D";

    [Fact]
    public void TfServing_Row_Request_Is_Compact_Instances_With_Floats_Written_As_TF_Writes_Them()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TfServingRestJsonRow, Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        Assert.Equal("""{"instances":[[1.0,2.5],[-3.0,0.1]]}""", BodyText(body));
        Assert.Equal("application/json", content.ContentType);
    }

    [Fact]
    public void TfServing_Columnar_Request_Is_Compact_Inputs()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TfServingRestJsonCol, Tiny);
        var (body, _) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        Assert.Equal("""{"inputs":[[1.0,2.5],[-3.0,0.1]]}""", BodyText(body));
    }

    [Fact]
    public void TfServing_Row_Request_Names_The_Signature_When_Set()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TfServingRestJsonRow, Tiny);
        var request = new Wire.Tensors.InferenceRequest { ModelName = "m", SignatureName = "serving_default", Inputs = [TinyTensor()] };
        var (body, _) = Encode(w => codec.EncodeRequest(request, w));
        Assert.Equal("""{"signature_name":"serving_default","instances":[[1.0,2.5],[-3.0,0.1]]}""", BodyText(body));
    }

    [Fact]
    public void TfServing_Row_Response_Puts_Each_Row_On_One_Line()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TfServingRestJsonRow, Tiny);
        var (body, content) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
        Assert.Equal("{\n    \"predictions\": [[1.0, 2.5], [-3.0, 0.1]\n    ]\n}", BodyText(body));
        Assert.Equal("application/json", content.ContentType);
    }

    [Fact]
    public void TfServing_Columnar_Response_Puts_Each_Element_On_Its_Own_Line()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TfServingRestJsonCol, Tiny);
        var (body, _) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
        const string expected = "{\n    \"outputs\": [\n        [\n            1.0,\n            2.5\n        ],\n        [\n            -3.0,\n            0.1\n        ]\n    ]\n}";
        Assert.Equal(expected, BodyText(body));
    }

    [Fact]
    public void TfServing_Row_Response_With_Several_Outputs_Writes_Objects()
    {
        var model = new Wire.Tensors.ModelSignature("m", Tiny.Inputs, [new("a", Wire.Tensors.DataType.FP32, [-1]), new("b", Wire.Tensors.DataType.Int64, [-1, 2])]);
        var codec = WireCodecs.Create(ScenarioCatalog.TfServingRestJsonRow, model);
        var response = new Wire.Tensors.InferenceResponse
        {
            ModelName = "m",
            Outputs = [Wire.Tensors.Tensor.FromFloats("a", [2], [0.5f, 1f]), Wire.Tensors.Tensor.FromInt64s("b", [2, 2], [1, 2, 3, 4])],
        };
        var (body, _) = Encode(w => codec.EncodeResponse(response, w));
        const string expected = "{\n    \"predictions\": [\n        {\n            \"a\": 0.5,\n            \"b\": [1, 2]\n        },\n        {\n            \"a\": 1.0,\n            \"b\": [3, 4]\n        }\n    ]\n}";
        Assert.Equal(expected, BodyText(body));
        AssertSameTensors(response.Outputs, codec.DecodeResponse(body, WireContent.Json).Outputs);
    }

    [Fact]
    public void Triton_Json_Request_Writes_Flat_Data()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TritonRestJson, Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        Assert.Equal("""{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[1,2.5,-3,0.1]}]}""", BodyText(body));
        Assert.Equal(WireContent.Json, content);
    }

    [Fact]
    public void Triton_Json_Response_Widens_Float32_To_Double()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TritonRestJson, Tiny);
        var (body, content) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
        Assert.Equal(
            """{"model_name":"m","model_version":"1","outputs":[{"name":"x","datatype":"FP32","shape":[2,2],"data":[1.0,2.5,-3.0,0.10000000149011612]}]}""",
            BodyText(body));
        Assert.Equal(WireContent.Json, content);
    }

    [Fact]
    public void Triton_Binary_Request_Is_Header_Then_Raw_Bytes()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TritonRestBinary, Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        const string header = """{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","parameters":{"binary_data_size":16}}],"parameters":{"binary_data_output":true}}""";
        AssertHeaderThenTinyTensorBytes(header, body, content);
    }

    [Fact]
    public void Triton_Binary_Response_Is_Header_Then_Raw_Bytes()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TritonRestBinary, Tiny);
        var (body, content) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
        const string header = """{"model_name":"m","model_version":"1","outputs":[{"name":"x","datatype":"FP32","shape":[2,2],"parameters":{"binary_data_size":16}}]}""";
        AssertHeaderThenTinyTensorBytes(header, body, content);
    }

    [Fact]
    public void TorchServe_Json_Request_Is_Data_Nested()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TorchServeRestJson, Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        Assert.Equal("""{"data":[[1,2.5],[-3,0.1]]}""", BodyText(body));
        Assert.Equal(WireContent.Json, content);
    }

    [Fact]
    public void TorchServe_Response_Is_Python_Json_Dumps_Indent_2()
    {
        const string expected = "[\n  [\n    1.0,\n    2.5\n  ],\n  [\n    -3.0,\n    0.10000000149011612\n  ]\n]";
        foreach (var scenario in new[] { ScenarioCatalog.TorchServeRestJson, ScenarioCatalog.TorchServeRestRaw })
        {
            var codec = WireCodecs.Create(scenario, Tiny);
            var (body, content) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
            Assert.Equal(expected, BodyText(body));
            Assert.Equal(WireContent.Json, content);
        }

        var shared = new System.Buffers.ArrayBufferWriter<byte>();
        TorchServeBodies.WriteResponse(TinyResponse(), Tiny, shared);
        Assert.Equal(expected, BodyText(shared.WrittenSpan.ToArray()));
    }

    [Fact]
    public void TorchServe_Raw_Request_Is_The_Tensor_Bytes()
    {
        var codec = WireCodecs.Create(ScenarioCatalog.TorchServeRestRaw, Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        Assert.Equal(TinyTensorHex, Convert.ToHexString(body));
        Assert.Equal(WireContent.OctetStream, content);
    }

    /// <summary>Triton's binary extension: the JSON header (its length in the content), then the tiny tensor's 16 raw bytes.</summary>
    private static void AssertHeaderThenTinyTensorBytes(string header, byte[] body, WireContent content)
    {
        Assert.Equal(header.Length, content.InferenceHeaderLength);
        Assert.Equal("application/octet-stream", content.ContentType);
        Assert.Equal(header, BodyText(body[..header.Length]));
        Assert.Equal(TinyTensorHex, Convert.ToHexString(body[header.Length..]));
    }
}
