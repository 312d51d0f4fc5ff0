namespace ServingBench.Tests;

public class CatalogTests
{
    [Fact]
    public void Scenario_Names_Read_Framework_Protocol_Encoding()
    {
        Assert.Equal("triton-grpc-raw", ScenarioCatalog.TritonGrpcRaw.Name);
        Assert.Equal("tfserving-rest-json-row", ScenarioCatalog.TfServingRestJsonRow.Name);
        Assert.Equal(11, ScenarioCatalog.Scenarios.Count);
        Assert.Equal(ScenarioCatalog.Scenarios.Count, ScenarioCatalog.Scenarios.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void Jpeg_Payload_Goes_Only_To_TorchServe_Raw()
    {
        var jpegScenarios = ScenarioCatalog.Cells().Where(c => c.Payload == PayloadKind.Resnet50Jpeg).Select(c => c.Scenario.Name);
        Assert.Equal(["torchserve-rest-raw", "torchserve-grpc-raw"], jpegScenarios);
    }
}
