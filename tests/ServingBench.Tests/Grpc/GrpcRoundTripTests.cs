using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Codecs;
using static ServingBench.Tests.Grpc.GrpcTestData;

namespace ServingBench.Tests.Grpc;

/// <summary>decode(encode(x)) == x, bit for bit, for every gRPC codec, both directions, typed and raw.</summary>
public class GrpcRoundTripTests
{
    public static TheoryData<string> TensorScenarios => new() { "tfserving-grpc-typed", "tfserving-grpc-raw", "triton-grpc-typed", "triton-grpc-raw" };

    [Theory]
    [MemberData(nameof(TensorScenarios))]
    public void Request_RoundTrips_Fp32_Int64_Bytes(string scenario)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        var request = new InferenceRequest
        {
            ModelName = "m",
            ModelVersion = "3",
            SignatureName = scenario.StartsWith("tfserving", StringComparison.Ordinal) ? "serving_default" : null,
            Id = scenario.StartsWith("triton", StringComparison.Ordinal) ? "req-1" : null,
            Inputs = [.. Each("in")],
            Outputs = [new RequestedOutput("out_f")],
        };

        var decoded = codec.DecodeRequest(EncodeRequest(codec, request), WireContent.Protobuf);

        Assert.Equal("m", decoded.ModelName);
        Assert.Equal("3", decoded.ModelVersion);
        Assert.Equal(request.SignatureName, decoded.SignatureName);
        Assert.Equal(request.Id, decoded.Id);
        Assert.Equal(["out_f"], decoded.Outputs.Select(o => o.Name));
        AssertSame(request.Inputs, decoded.Inputs);
    }

    [Theory]
    [MemberData(nameof(TensorScenarios))]
    public void Response_RoundTrips_Fp32_Int64_Bytes(string scenario)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        var response = Response([.. Each("out")]);

        var decoded = codec.DecodeResponse(EncodeResponse(codec, response), WireContent.Protobuf);

        Assert.Equal("m", decoded.ModelName);
        Assert.Equal("3", decoded.ModelVersion);
        AssertSame(response.Outputs, decoded.Outputs);
    }

    [Theory]
    [InlineData("tfserving-grpc-typed", DataType.Int8)]
    [InlineData("tfserving-grpc-typed", DataType.UInt16)]
    [InlineData("tfserving-grpc-typed", DataType.FP16)]
    [InlineData("tfserving-grpc-typed", DataType.Bool)]
    [InlineData("tfserving-grpc-typed", DataType.UInt64)]
    [InlineData("tfserving-grpc-typed", DataType.FP64)]
    [InlineData("triton-grpc-typed", DataType.Int16)]
    [InlineData("triton-grpc-typed", DataType.UInt8)]
    [InlineData("triton-grpc-typed", DataType.UInt32)]
    [InlineData("triton-grpc-typed", DataType.Bool)]
    [InlineData("triton-grpc-raw", DataType.BF16)]
    public void Request_RoundTrips_Narrow_And_Unusual_Types(string scenario, DataType type)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        int size = type.ElementSize();
        var data = new byte[4 * size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = type == DataType.Bool ? (byte)(i % 2) : (byte)(0x7F + i * 37);
        }

        var request = Request(new Tensor("t", type, [4], data));
        var decoded = codec.DecodeRequest(EncodeRequest(codec, request), WireContent.Protobuf);
        AssertSame(request.Inputs, decoded.Inputs);
    }

    [Theory]
    [InlineData("tfserving-grpc-raw")]
    [InlineData("triton-grpc-raw")]
    [InlineData("tfserving-grpc-typed")] // packed little-endian float_val is already the tensor's layout
    public void Decode_Views_The_Body_In_Place(string scenario)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        var body = EncodeRequest(codec, Request(Golden()));
        var decoded = codec.DecodeRequest(body, WireContent.Protobuf);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.Inputs[0].Data, out var segment));
        Assert.Same(body, segment.Array);
    }

    [Fact]
    public void TorchServe_Request_RoundTrips_Raw_Tensor_Bytes()
    {
        // TorchServeBodies.DecodeInput reads raw bytes as the model's first input with a batch of one.
        var model = new ModelSignature("m", [new TensorSpec("x", DataType.FP32, [-1, 4])], [new TensorSpec("y", DataType.FP32, [-1, 4])]);
        var codec = WireCodecs.Create(ScenarioCatalog.TorchServeGrpcRaw, model);
        var request = Request(Tensor.FromFloats("x", [1, 4], [1f, 2.5f, -3f, 0.1f]));
        var decoded = codec.DecodeRequest(EncodeRequest(codec, request), WireContent.Protobuf);

        Assert.Equal("m", decoded.ModelName);
        Assert.Equal("3", decoded.ModelVersion);
        AssertSame(request.Inputs, decoded.Inputs);
    }

    [Fact]
    public void TorchServe_Request_RoundTrips_A_File()
    {
        // A file travels as the one element of a BYTES [1] tensor; the server side sniffs the JPEG magic.
        var codec = WireCodecs.Create(ScenarioCatalog.TorchServeGrpcRaw, ModelCatalog.Resnet50.Signature);
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0xFF, 0xD9];
        var request = new InferenceRequest { ModelName = "resnet50", Inputs = [Tensor.FromBytesElements("data", [1], [jpeg])] };
        var decoded = codec.DecodeRequest(EncodeRequest(codec, request), WireContent.Protobuf);

        Assert.Equal("resnet50", decoded.ModelName);
        Assert.Null(decoded.ModelVersion);
        AssertSame(request.Inputs, decoded.Inputs);
    }

    [Fact]
    public void TorchServe_Response_RoundTrips()
    {
        // The answer goes through TorchServeBodies.WriteResponse / ReadResponse, as the REST codec writes it.
        var codec = WireCodecs.Create(ScenarioCatalog.TorchServeGrpcRaw, Model);
        var response = Response(Golden("y"));
        var decoded = codec.DecodeResponse(EncodeResponse(codec, response), WireContent.Protobuf);

        AssertSame(response.Outputs, decoded.Outputs);
    }
}
