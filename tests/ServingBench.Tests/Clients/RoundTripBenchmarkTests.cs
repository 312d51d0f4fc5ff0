using ServingBench.Benchmarks;
using ServingBench.Payloads.Catalogue;

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
        var cases = all.Where(c => c.TwinName is null && c.Payload.Single is null).ToList();
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

        // The default batch cells (SERVINGBENCH_BATCHES) come last: eight items per call, canned only.
        Assert.Equal(
            ["tfserving-rest-json-row/resnet50-tensor-b8/canned", "triton-grpc-raw/resnet50-tensor-b8/canned"],
            all.Skip(all.Count - 2).Select(c => c.ToString()));
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

            // Two iterations of one call each, as BenchmarkDotNet runs a model row: the server's statistics are read around
            // each, so every call pairs with the engine time the server published for it.
            InferenceResponse response = null!;
            for (int i = 0; i < 2; i++)
            {
                benchmark.BeforeIteration();
                response = await benchmark.Infer();
                benchmark.AfterIteration();
            }

            Assert.NotEmpty(response.Outputs);
            if (benchmark.Case.Backend == "onnx")
            {
                // Each call pairs with the engine time the server published for it; the rest is the protocol's part.
                var paired = benchmark.PairedFromStatistics!;
                Assert.Equal(2, paired.Calls);
                Assert.True(paired.ProtocolMeanNs > 0 && paired.EngineMeanNs > 0, $"{benchmark.Case}: engine {paired.EngineMeanNs} ns, protocol {paired.ProtocolMeanNs} ns");
            }
            else
            {
                // A canned row reads no statistics per iteration (hundreds of calls each); its split comes at cleanup.
                Assert.Null(benchmark.PairedFromStatistics);
            }
            if (benchmark.Case.MeasuresInProcess)
            {
                Assert.Equal(response.Outputs[0].Shape.ToArray(), (await benchmark.InProcess()).Outputs[0].Shape.ToArray());
            }
        }
        finally
        {
            await benchmark.CleanupAsync();
        }

        // The Infer process leaves the case's figures for the host: the server's split per call over those calls.
        var figures = ServerTimes.Read(ServerTimes.PathOf(ServerTimes.OwnBinariesDirectory, caseName))!;
        Assert.Equal(2, figures.PerCall!.Requests);
        Assert.True(figures.PerCall.RequestUs > 0 && figures.PerCall.EngineUs <= figures.PerCall.RequestUs, figures.ToString());
        ServerTimes.Delete(ServerTimes.PathOf(ServerTimes.OwnBinariesDirectory, caseName));
    }
}
