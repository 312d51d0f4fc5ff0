using ServingBench.Benchmarks;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Tests.Clients;

/// <summary>Each RoundTrip case runs once as a test: setup on port 0, the methods that case runs (Echo, a validated Infer, InProcess), cleanup.</summary>
// Same collection as the emulator tests: environment variables are process-wide, so these must not overlap.
[Collection(ServingBench.Tests.Emulators.EmulatorCollection.Name)]
public sealed class RoundTripBenchmarkTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var roundTrip in RoundTripBenchmarks.Cases())
        {
            data.Add(roundTrip.ToString());
        }

        return data;
    }

    [Fact]
    public void Default_Cases_Cover_Every_Scenario()
    {
        var scenarios = RoundTripBenchmarks.Cases().Select(c => c.Scenario).Where(s => s.Compression is null).Distinct().ToList();
        Assert.Equal(ScenarioCatalog.Scenarios.Count, scenarios.Count);
    }

    [Fact]
    public void Every_Default_Cell_Has_A_Canned_And_An_Onnx_Row_Side_By_Side()
    {
        var all = RoundTripBenchmarks.Cases().ToList();
        var cases = all.Where(c => c.TwinName is null).ToList();
        var cells = ScenarioCatalog.Cells().Where(c => c.Payload.ModelName == ModelCatalog.Resnet50.Name).ToList();
        Assert.Equal(2 * cells.Count, cases.Count);
        for (int i = 0; i < cases.Count; i += 2)
        {
            Assert.Equal((cases[i].Scenario, cases[i].Payload, "canned"), (cases[i + 1].Scenario, cases[i + 1].Payload, cases[i].Backend));
            Assert.Equal("onnx", cases[i + 1].Backend);
        }

        // One in-process row per payload and input form: the tensor (triton-grpc-raw) and the JPEG (torchserve-rest-raw).
        Assert.Equal(["triton-grpc-raw/resnet50-tensor/onnx", "torchserve-rest-raw/resnet50-jpeg/onnx"], all.Where(c => c.MeasuresInProcess).Select(c => c.ToString()));

        // The default encoding cells come right after their twins' rows: compressed ones canned only (the model's work
        // does not change with the coding), half-precision ones canned and onnx (the model is another file).
        var variants = all.Where(c => c.TwinName is not null).ToList();
        Assert.Equal(
            ["triton-grpc-raw+gzip-fastest/resnet50-tensor/canned", "triton-grpc-raw/resnet50-tensor-fp16/canned", "triton-grpc-raw/resnet50-tensor-fp16/onnx", "triton-rest-json+gzip-fastest/resnet50-tensor/canned"],
            variants.Select(c => c.ToString()).Order(StringComparer.Ordinal));
        Assert.All(variants, v => Assert.True(all.FindIndex(c => c.ToString() == v.TwinName) < all.IndexOf(v), $"{v} comes before its twin {v.TwinName}"));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Case_Runs_Once_With_A_Valid_Answer(string caseName)
    {
        var benchmark = new RoundTripBenchmarks { Case = RoundTripBenchmarks.Cases().Single(c => c.ToString() == caseName) };
        await benchmark.SetupAsync();
        try
        {
            if (benchmark.Case.Backend != "onnx")
            {
                Assert.True(await benchmark.Echo() > 0);
            }

            var response = await benchmark.Infer();
            Assert.NotEmpty(response.Outputs);

            // The paired figures split each call into the server's engine time and the rest: the model dominates an
            // onnx call, the protocol a canned one.
            await benchmark.Infer();
            var paired = benchmark.PairedFigures!;
            Assert.InRange(paired.Calls, 1, 2);
            Assert.True(paired.ProtocolMeanNs > 0, $"protocol part {paired.ProtocolMeanNs} ns");
            Assert.True(benchmark.Case.Backend == "onnx" ? paired.EngineMeanNs > paired.ProtocolMeanNs : paired.EngineMeanNs < paired.ProtocolMeanNs,
                $"{benchmark.Case}: engine {paired.EngineMeanNs} ns, protocol {paired.ProtocolMeanNs} ns");
            if (benchmark.Case.MeasuresInProcess)
            {
                Assert.Equal(response.Outputs[0].Shape.ToArray(), (await benchmark.InProcess()).Outputs[0].Shape.ToArray());
            }
        }
        finally
        {
            await benchmark.CleanupAsync();
        }
    }
}
