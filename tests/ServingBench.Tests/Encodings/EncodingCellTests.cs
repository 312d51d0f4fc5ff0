using ServingBench.Serialization;
using ServingBench.Wire.Codecs;

namespace ServingBench.Tests.Encodings;

/// <summary>
/// Every half-precision and compressed cell (<see cref="ScenarioCatalog.EncodingCells"/>), through the same subject the
/// Serialization class measures: what the server decodes and what the client decodes is its FP32, uncompressed twin's
/// tensor, exactly for compression and within the element type's rounding for FP16 and BF16.
/// </summary>
public class EncodingCellTests
{
    public static TheoryData<string, string> Cells() => CellTheoryData.Of(ScenarioCatalog.EncodingCells());

    [Theory]
    [MemberData(nameof(Cells))]
    public void Cell_Decodes_To_The_Tensors_Of_Its_Twin(string scenarioName, string payloadName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var kind = ScenarioCatalog.ParsePayload(payloadName);
        var payload = PayloadFactory.Get(kind);
        var (twinScenario, twinKind) = ScenarioCatalog.Twin(scenario, kind)!.Value;
        var twin = PayloadFactory.Get(twinKind);
        var subject = new CodecSubject(WireCodecs.Create(scenario, payload.Model), payload);
        subject.Verify();

        var request = ((InferenceRequest)subject.DecodeRequest()).Inputs[0];
        // A half payload always sends tensors, where its FP32 twin may send the file (TorchServe's raw body).
        AssertCloseTo((kind.HalfType is null ? twin.RequestFor(twinScenario) : twin.TensorRequest).Inputs[0], request, kind.HalfType);
        var response = ((InferenceResponse)subject.DecodeResponse()).Outputs[0];
        AssertCloseTo(twin.Response.Outputs[0], response, kind.HalfType);
        if (scenario.Compression is not null)
        {
            Assert.True(subject.RequestBody.Length != new CodecSubject(WireCodecs.Create(twinScenario, payload.Model), payload).RequestBody.Length,
                $"{scenarioName} sends its twin's bytes uncompressed");
        }
    }

    [Fact]
    public void Half_Cells_Are_Where_The_Protocols_Carry_Half_Types()
    {
        var carriers = ScenarioCatalog.EncodingCells().Where(c => c.Payload.HalfType is not null).Select(c => c.Scenario.Name).Distinct().Order().ToArray();
        Assert.Equal(["tfserving-grpc-raw", "tfserving-grpc-typed", "torchserve-grpc-raw", "torchserve-rest-raw", "triton-grpc-raw", "triton-rest-binary"], carriers);
        Assert.DoesNotContain(ScenarioCatalog.CompressedScenarios, s => s.Framework == Framework.TorchServe && s.Protocol == Protocol.Rest);
        Assert.DoesNotContain(ScenarioCatalog.CompressedScenarios, s => s.Framework == Framework.TfServing && s.Protocol == Protocol.Rest && s.Compression!.Token == "deflate");
    }

    private static void AssertCloseTo(Tensor twin, Tensor actual, DataType? half)
    {
        Assert.Equal(twin.Shape.ToArray(), actual.Shape.ToArray());
        if (half is null)
        {
            Assert.Equal(twin.DataType, actual.DataType);
            Assert.True(twin.Data.Span.SequenceEqual(actual.Data.Span), $"{actual} differs from its twin {twin}");
            return;
        }

        Assert.Equal(half, actual.DataType);
        var expected = twin.AsSpan<float>();
        var widened = HalfPrecision.Widen(actual).AsSpan<float>();
        float relative = HalfPrecision.RelativeRounding(half.Value);
        float absolute = HalfPrecision.AbsoluteRounding(half.Value);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(widened[i] - expected[i]) <= relative * Math.Abs(expected[i]) + absolute, $"element {i}: {widened[i]} against {expected[i]}");
        }
    }
}
