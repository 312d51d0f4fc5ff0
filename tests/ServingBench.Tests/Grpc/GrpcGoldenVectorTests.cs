using static ServingBench.Tests.Grpc.GrpcTestData;

namespace ServingBench.Tests.Grpc;

/// <summary>
/// Exact request bytes for FP32 [2,2] = 1, 2.5, −3, 0.1 named "x" for model "m", derived by hand from the field
/// numbers. A tag byte is (field &lt;&lt; 3) | wire type: 0 varint, 2 length-delimited. Floats are little-endian:
/// 1 = 3F800000, 2.5 = 40200000, −3 = C0400000, 0.1f = 3DCCCCCD.
/// </summary>
public class GrpcGoldenVectorTests
{
    private const string Floats = "0000803F 00002040 000040C0 CDCCCC3D";

    private static readonly InferenceRequest GoldenRequest = new() { ModelName = "m", Inputs = [Golden()] };

    [Fact]
    public void TfServing_Typed_PredictRequest()
    {
        AssertEncodesGoldenRequest(
            ScenarioCatalog.TfServingGrpcTyped,
            "0A 03" +           // model_spec (1, LEN) 3 bytes
            "  0A 01 6D" +      //   name (1, LEN) "m"
            "12 23" +           // inputs (2, LEN) map entry, 35 bytes
            "  0A 01 78" +      //   key (1, LEN) "x"
            "  12 1E" +         //   value (2, LEN) TensorProto, 30 bytes
            "    08 01" +       //     dtype (1, VARINT) DT_FLOAT
            "    12 08" +       //     tensor_shape (2, LEN) 8 bytes
            "      12 02 08 02" + //     dim (2, LEN) { size (1, VARINT) 2 }
            "      12 02 08 02" + //     dim { size 2 }
            "    2A 10" +       //     float_val (5, LEN) packed, 16 bytes
            Floats);
    }

    [Fact]
    public void TfServing_Raw_PredictRequest()
    {
        AssertEncodesGoldenRequest(
            ScenarioCatalog.TfServingGrpcRaw,
            "0A 03 0A 01 6D" +  // model_spec { name "m" }
            "12 23 0A 01 78" +  // inputs entry (35 bytes), key "x"
            "  12 1E 08 01" +   //   value TensorProto (30 bytes), dtype DT_FLOAT
            "  12 08 12 02 08 02 12 02 08 02" + // tensor_shape { dim { size 2 } dim { size 2 } }
            "  22 10" +         //   tensor_content (4, LEN) 16 raw bytes
            Floats);
    }

    [Fact]
    public void Triton_Typed_ModelInferRequest()
    {
        AssertEncodesGoldenRequest(
            ScenarioCatalog.TritonGrpcTyped,
            "0A 01 6D" +        // model_name (1, LEN) "m"
            "2A 21" +           // inputs (5, LEN) InferInputTensor, 33 bytes
            "  0A 01 78" +      //   name (1, LEN) "x"
            "  12 04 46503332" + //  datatype (2, LEN) "FP32"
            "  1A 02 02 02" +   //   shape (3, LEN) packed int64 [2, 2]
            "  2A 12" +         //   contents (5, LEN) InferTensorContents, 18 bytes
            "    32 10" +       //     fp32_contents (6, LEN) packed, 16 bytes
            Floats);
    }

    [Fact]
    public void Triton_Raw_ModelInferRequest()
    {
        AssertEncodesGoldenRequest(
            ScenarioCatalog.TritonGrpcRaw,
            "0A 01 6D" +        // model_name "m"
            "2A 0D" +           // inputs (5, LEN) 13 bytes, no contents
            "  0A 01 78 12 04 46503332 1A 02 02 02" + // name "x", datatype "FP32", shape [2, 2]
            "3A 10" +           // raw_input_contents (7, LEN) 16 bytes
            Floats);
    }

    [Fact]
    public void TorchServe_PredictionsRequest()
    {
        AssertEncodesGoldenRequest(
            ScenarioCatalog.TorchServeGrpcRaw,
            "0A 01 6D" +        // model_name (1, LEN) "m"
            "1A 18" +           // input (3, LEN) map entry, 24 bytes
            "  0A 04 64617461" + //  key (1, LEN) "data"
            "  12 10" +         //   value (2, LEN) the 16 raw tensor bytes
            Floats);
    }

    /// <summary>The golden request as <paramref name="scenario"/>'s codec writes it, byte for byte against the hand-derived hex.</summary>
    private static void AssertEncodesGoldenRequest(Scenario scenario, string expectedHex) =>
        Assert.Equal(Hex(expectedHex), EncodeRequest(Codec(scenario), GoldenRequest));
}
