using ServingBench.Serialization;

namespace ServingBench.Tests.Benchmarks;

/// <summary>The stock Google.Protobuf row measures the same messages as the hand-written codec it is compared with.</summary>
public sealed class SerializationControlTests
{
    [Theory]
    [InlineData("resnet50-tensor")]
    [InlineData("bart-text")]
    public void GoogleProtobuf_Row_Round_Trips_The_Ratio_Baselines_Exact_Bytes(string payloadName)
    {
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        var stock = new GoogleProtobufSubject(payload);
        var codec = SerializationSubject.Create(SerializationCase.All.Single(c => c.Payload == payload.Kind && c.Scenario == ScenarioCatalog.TritonGrpcRaw));

        stock.Verify();
        Assert.True(stock.RequestBody.Span.SequenceEqual(codec.RequestBody.Span), "request bytes differ from triton-grpc-raw's");
        Assert.True(stock.ResponseBody.Span.SequenceEqual(codec.ResponseBody.Span), "response bytes differ from triton-grpc-raw's");
    }
}
