using System.Buffers;
using ServingBench.Wire.Codecs;

namespace ServingBench.Tests.Grpc;

/// <summary>Small handmade tensors and helpers shared by the gRPC codec tests.</summary>
internal static class GrpcTestData
{
    public static readonly ModelSignature Model = new(
        "m",
        [new TensorSpec("x", DataType.FP32, [2, 2])],
        [new TensorSpec("y", DataType.FP32, [2, 2])]);

    /// <summary>The golden tensor: FP32 [2,2] = 1, 2.5, −3, 0.1.</summary>
    public static Tensor Golden(string name = "x") => Tensor.FromFloats(name, [2, 2], [1f, 2.5f, -3f, 0.1f]);

    public static Tensor Fp32(string name) => Tensor.FromFloats(name, [2, 3], [1f, -0f, float.MaxValue, float.Epsilon, float.NaN, -1e-30f]);

    public static Tensor Int64(string name) => Tensor.FromInt64s(name, [1, 4], [0, -1, long.MaxValue, long.MinValue]);

    public static Tensor Bytes(string name) =>
        Tensor.FromBytesElements(name, [3], [System.Text.Encoding.UTF8.GetBytes("héllo"), Array.Empty<byte>(), new byte[] { 0, 255, 128 }]);

    public static IEnumerable<Tensor> Each(string prefix) => [Fp32(prefix + "_f"), Int64(prefix + "_i"), Bytes(prefix + "_s")];

    public static InferenceRequest Request(params Tensor[] inputs) => new()
    {
        ModelName = "m",
        ModelVersion = "3",
        Inputs = inputs,
    };

    public static InferenceResponse Response(params Tensor[] outputs) => new()
    {
        ModelName = "m",
        ModelVersion = "3",
        Outputs = outputs,
    };

    public static IWireCodec Codec(Scenario scenario) => WireCodecs.Create(scenario, Model);

    public static byte[] EncodeRequest(IWireCodec codec, InferenceRequest request)
    {
        var body = new ArrayBufferWriter<byte>();
        codec.EncodeRequest(request, body);
        return body.WrittenSpan.ToArray();
    }

    public static byte[] EncodeResponse(IWireCodec codec, InferenceResponse response)
    {
        var body = new ArrayBufferWriter<byte>();
        codec.EncodeResponse(response, body);
        return body.WrittenSpan.ToArray();
    }

    public static void AssertSame(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].ContentEquals(actual[i]), $"tensor {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));
}
