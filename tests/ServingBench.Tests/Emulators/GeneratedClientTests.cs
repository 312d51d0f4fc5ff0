using Google.Protobuf;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Protos.Kserve;
using ServingBench.Wire.Protos.TfServing;
using ServingBench.Wire.Protos.TorchServe;

namespace ServingBench.Tests.Emulators;

/// <summary>
/// Clients generated from the frameworks' .proto files (what grpcurl, tritonclient and tensorflow-serving-api see)
/// talk to the emulators: proves the control messages and raw-bytes methods match the real APIs.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class GeneratedClientTests(EmulatorFixture fixture)
{
    [Fact]
    public async Task Triton_Generated_Client_Reads_Health_Metadata_And_Infers()
    {
        using var channel = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.Triton, Protocol.Grpc));
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "bart" })).Ready);
        Assert.Contains("binary_tensor_data", (await client.ServerMetadataAsync(new ServerMetadataRequest())).Extensions);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "resnet50" });
        Assert.Equal("pixel_values", metadata.Inputs[0].Name);
        Assert.Equal("FP32", metadata.Inputs[0].Datatype);
        Assert.Equal([-1L, 3, 224, 224], metadata.Inputs[0].Shape);

        var payload = PayloadFactory.Get(PayloadKind.BartText);
        var input = payload.TensorRequest.Inputs[0];
        var request = new ModelInferRequest { ModelName = "bart" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input_ids", Datatype = "INT64", Shape = { input.Shape.ToArray() } });
        request.RawInputContents.Add(ByteString.CopyFrom(input.Data.Span));
        var response = await client.ModelInferAsync(request);
        Assert.Equal("output_ids", response.Outputs[0].Name);
        Assert.Equal(payload.Response.Outputs[0].Shape.ToArray(), response.Outputs[0].Shape);
        Assert.True(payload.Response.Outputs[0].Data.Span.SequenceEqual(response.RawOutputContents[0].Span));
    }

    [Fact]
    public async Task Triton_Config_And_Statistics_Answer_For_Perf_Analyzer()
    {
        using var channel = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.Triton, Protocol.Grpc));
        var invoker = channel.CreateCallInvoker();
        var config = await GrpcInferenceClient.CallAsync(invoker, RawGrpc.ClientMethod(GrpcServices.TritonService, "ModelConfig"), new ModelConfigRequest { Name = "bart" }.ToByteArray(), default);
        Assert.Equal("input_ids", ModelConfigResponse.Parser.ParseFrom(config.Span).Config.Input[0].Name);
        Assert.True(config.Span.IndexOf("input_ids"u8) >= 0 && config.Span.IndexOf("onnxruntime"u8) >= 0);
        var stats = await GrpcInferenceClient.CallAsync(invoker, RawGrpc.ClientMethod(GrpcServices.TritonService, "ModelStatistics"), ReadOnlyMemory<byte>.Empty, default);
        Assert.True(stats.Span.IndexOf("wav2vec2"u8) >= 0);
    }

    [Fact]
    public async Task TfServing_Generated_Client_Reads_Signature_And_Status()
    {
        using var channel = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.TfServing, Protocol.Grpc));
        var prediction = new PredictionService.PredictionServiceClient(channel);
        var metadata = await prediction.GetModelMetadataAsync(new GetModelMetadataRequest
        {
            ModelSpec = new ModelSpec { Name = "wav2vec2" },
            MetadataField = { "signature_def" },
        });
        var map = metadata.Metadata["signature_def"].Unpack<SignatureDefMap>();
        var signature = map.SignatureDef["serving_default"];
        Assert.Equal("tensorflow/serving/predict", signature.MethodName);
        Assert.Equal([-1L, -1], signature.Inputs["input_values"].TensorShape.Dim.Select(d => d.Size));

        var status = await new ModelService.ModelServiceClient(channel).GetModelStatusAsync(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "bart" } });
        Assert.Equal(ModelVersionStatus.Types.State.Available, status.ModelVersionStatus[0].State);
    }

    [Fact]
    public async Task TorchServe_Generated_Client_Pings_And_Predicts()
    {
        using var channel = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(Framework.TorchServe, Protocol.Grpc));
        var client = new InferenceAPIsService.InferenceAPIsServiceClient(channel);
        Assert.Contains("Healthy", (await client.PingAsync(new Google.Protobuf.WellKnownTypes.Empty())).Health);
        var text = PayloadFactory.Get(PayloadKind.BartText).FileRequest!.Inputs[0].GetBytesElements()[0];
        var response = await client.PredictionsAsync(new PredictionsRequest { ModelName = "bart", Input = { ["data"] = ByteString.CopyFrom(text.Span) } });
        Assert.StartsWith("[", response.Prediction.ToStringUtf8());
    }
}
