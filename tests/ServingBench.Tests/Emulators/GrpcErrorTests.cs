using Google.Protobuf;
using Grpc.Core;
using ServingBench.Emulators;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Protos.Kserve;
using ServingBench.Wire.Protos.TfServing;
using ServingBench.Wire.Protos.TorchServe;

namespace ServingBench.Tests.Emulators;

/// <summary>gRPC error cases: the status code each real server gives, with a message naming the problem.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class GrpcErrorTests(EmulatorFixture fixture)
{
    [Fact]
    public async Task TfServing_Unknown_Model_Is_NotFound()
    {
        var error = await CallAsync(Framework.TfServing, GrpcServices.TfPredictionService, "Predict", Bytes(new PredictRequest { ModelSpec = new ModelSpec { Name = "nope" } }));
        Assert.Equal(StatusCode.NotFound, error.GrpcStatus);
        Assert.Equal("Servable not found for request: Latest(nope)", error.ServerMessage);
    }

    [Fact]
    public async Task Triton_Unknown_Model_Is_NotFound()
    {
        var error = await CallAsync(Framework.Triton, GrpcServices.TritonService, "ModelInfer", Bytes(new ModelInferRequest { ModelName = "nope" }));
        Assert.Equal(StatusCode.NotFound, error.GrpcStatus);
        Assert.Contains("'nope'", error.ServerMessage);
    }

    [Fact]
    public async Task TorchServe_Unknown_Model_Is_Internal_As_TorchServe_Answers()
    {
        var error = await CallAsync(Framework.TorchServe, GrpcServices.TorchServeInference, "Predictions", Bytes(new PredictionsRequest { ModelName = "nope" }));
        Assert.Equal(StatusCode.Internal, error.GrpcStatus);
        Assert.Equal("Model not found: nope", error.ServerMessage);
    }

    [Theory]
    [InlineData("tfserving")]
    [InlineData("triton")]
    [InlineData("torchserve")]
    public async Task Truncated_Message_Is_Rejected_With_A_Message(string framework)
    {
        // model name "bart", then field 5/3 declaring 255 bytes that never come.
        byte[] truncated = framework == "tfserving"
            ? [0x0A, 0x06, 0x0A, 0x04, (byte)'b', (byte)'a', (byte)'r', (byte)'t', 0x12, 0xFF, 0x01, 0x00]
            : [0x0A, 0x04, (byte)'b', (byte)'a', (byte)'r', (byte)'t', 0x2A, 0xFF, 0x01, 0x00];
        var (fw, service, method) = framework switch
        {
            "tfserving" => (Framework.TfServing, GrpcServices.TfPredictionService, "Predict"),
            "triton" => (Framework.Triton, GrpcServices.TritonService, "ModelInfer"),
            _ => (Framework.TorchServe, GrpcServices.TorchServeInference, "Predictions"),
        };
        var error = await CallAsync(fw, service, method, truncated);
        Assert.Equal(fw == Framework.TorchServe ? StatusCode.Internal : StatusCode.InvalidArgument, error.GrpcStatus);
        Assert.False(string.IsNullOrWhiteSpace(error.ServerMessage));
    }

    [Fact]
    public async Task TorchServe_Refuses_Messages_Over_Its_Request_Size_Limit()
    {
        var error = await CallAsync(Framework.TorchServe, GrpcServices.TorchServeInference, "Predictions", new byte[EmulatorOptions.TorchServeMaxRequestSize + 10]);
        Assert.Equal(StatusCode.ResourceExhausted, error.GrpcStatus);
    }

    [Fact]
    public async Task Control_Methods_Answer_Like_The_Real_Servers()
    {
        using var triton = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.Triton, Protocol.Grpc));
        var invoker = triton.CreateCallInvoker();
        Assert.True(ServerLiveResponse.Parser.ParseFrom((await GrpcInferenceClient.CallAsync(invoker, RawGrpc.ClientMethod(GrpcServices.TritonService, "ServerLive"), ReadOnlyMemory<byte>.Empty, default)).Span).Live);
        Assert.True(ServerReadyResponse.Parser.ParseFrom((await GrpcInferenceClient.CallAsync(invoker, RawGrpc.ClientMethod(GrpcServices.TritonService, "ServerReady"), ReadOnlyMemory<byte>.Empty, default)).Span).Ready);
        Assert.False(ModelReadyResponse.Parser.ParseFrom((await GrpcInferenceClient.CallAsync(invoker, RawGrpc.ClientMethod(GrpcServices.TritonService, "ModelReady"), Bytes(new ModelReadyRequest { Name = "nope" }), default)).Span).Ready);

        using var tf = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.TfServing, Protocol.Grpc));
        var status = await GrpcInferenceClient.CallAsync(tf.CreateCallInvoker(), RawGrpc.ClientMethod(GrpcServices.TfModelService, "GetModelStatus"), Bytes(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "bart" } }), default);
        Assert.Equal(ModelVersionStatus.Types.State.Available, GetModelStatusResponse.Parser.ParseFrom(status.Span).ModelVersionStatus[0].State);

        using var torch = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.TorchServe, Protocol.Grpc));
        var health = await GrpcInferenceClient.CallAsync(torch.CreateCallInvoker(), RawGrpc.ClientMethod(GrpcServices.TorchServeInference, "Ping"), ReadOnlyMemory<byte>.Empty, default);
        Assert.Contains("Healthy", TorchServeHealthResponse.Parser.ParseFrom(health.Span).Health);
    }

    private static byte[] Bytes(IMessage message) => message.ToByteArray();

    private async Task<ServingException> CallAsync(Framework framework, string service, string method, byte[] message)
    {
        using var channel = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(framework, Protocol.Grpc));
        return await Assert.ThrowsAsync<ServingException>(() =>
            GrpcInferenceClient.CallAsync(channel.CreateCallInvoker(), RawGrpc.ClientMethod(service, method), message, default));
    }
}
