using ServingBench.Benchmarks;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Tests.Clients;

/// <summary>Each RoundTrip case runs once as a test: setup on port 0, one Echo and one validated Infer, cleanup.</summary>
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
        var scenarios = RoundTripBenchmarks.Cases().Select(c => c.Scenario).Distinct().ToList();
        Assert.Equal(ScenarioCatalog.Scenarios.Count, scenarios.Count);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Case_Runs_Once_With_A_Valid_Answer(string caseName)
    {
        var benchmark = new RoundTripBenchmarks { Case = RoundTripBenchmarks.Cases().Single(c => c.ToString() == caseName) };
        await benchmark.SetupAsync();
        try
        {
            Assert.True(await benchmark.Echo() > 0);
            var response = await benchmark.Infer();
            Assert.NotEmpty(response.Outputs);
        }
        finally
        {
            await benchmark.CleanupAsync();
        }
    }
}
