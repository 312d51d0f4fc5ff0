using System.Buffers;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Codecs;

namespace ServingBench.Tests.Grpc;

/// <summary>The fast paths copy tensor bytes once on encode and view them on decode: allocation stays tiny and flat.</summary>
public class GrpcAllocationTests
{
    // A few lists, the tensor and its shape; nothing that grows with the 150,528 elements.
    private const long Budget = 4096;

    public static TheoryData<string> Scenarios => new() { "tfserving-grpc-typed", "tfserving-grpc-raw", "triton-grpc-typed", "triton-grpc-raw" };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Resnet50_Tensor_Encode_And_Decode_Allocate_Almost_Nothing(string scenario)
    {
        var codec = WireCodecs.Create(ScenarioCatalog.ParseScenario(scenario), ModelCatalog.Resnet50.Signature);
        var values = new float[3 * 224 * 224];
        var random = new Random(12345);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        var request = new InferenceRequest { ModelName = "resnet50", Inputs = [Tensor.FromFloats("pixel_values", [1, 3, 224, 224], values)] };
        var body = new ArrayBufferWriter<byte>(700_000);
        codec.EncodeRequest(request, body);
        byte[] bytes = body.WrittenSpan.ToArray();
        codec.DecodeRequest(bytes, WireContent.Protobuf);

        body.ResetWrittenCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        codec.EncodeRequest(request, body);
        long encode = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = codec.DecodeRequest(bytes, WireContent.Protobuf);
        long decode = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(request.Inputs[0].ContentEquals(decoded.Inputs[0]));
        Assert.True(encode < Budget, $"encode allocated {encode} bytes");
        Assert.True(decode < Budget, $"decode allocated {decode} bytes");
    }
}
