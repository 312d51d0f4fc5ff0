using ServingBench.Tests.Emulators;

namespace ServingBench.Tests.Clients;

/// <summary>Every client against its emulator for every valid scenario × payload, over loopback.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class ClientEmulatorMatrixTests(EmulatorFixture fixture)
{
    public static TheoryData<string, string> Cells() => CellTheoryData.Of(ScenarioCatalog.Cells());

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Client_Gets_The_Canned_Response_Of_The_Real_Shape(string scenarioName, string payloadName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        var client = await fixture.ClientAsync(scenario, payload.Model.Name);

        var response = await client.InferAsync(payload.RequestFor(scenario));

        AssertSameOutputs(payload.Response, response);
    }

    internal static void AssertSameOutputs(InferenceResponse expected, InferenceResponse actual)
    {
        var want = expected.Outputs[0];
        var got = actual.Output(want.Name);
        Assert.Equal(want.DataType, got.DataType);
        Assert.Equal(want.Shape.ToArray(), got.Shape.ToArray());
        Assert.True(want.Data.Span.SequenceEqual(got.Data.Span), $"output '{want.Name}' values differ from the canned response");
    }
}
