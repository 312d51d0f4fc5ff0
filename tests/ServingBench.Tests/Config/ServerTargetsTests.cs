using ServingBench.Config;
using static ServingBench.Tests.Config.RunSettingsTests;

namespace ServingBench.Tests.Config;

/// <summary>The real servers and served model names the app reads from SERVINGBENCH_* variables.</summary>
public sealed class ServerTargetsTests
{
    [Fact]
    public void Variable_Names_Follow_Framework_And_Protocol()
    {
        Assert.Equal("SERVINGBENCH_TRITON_GRPC", ServerTargets.AddressVariable(Framework.Triton, Protocol.Grpc));
        Assert.Equal("SERVINGBENCH_TFSERVING_REST", ServerTargets.AddressVariable(Framework.TfServing, Protocol.Rest));
        Assert.Equal("SERVINGBENCH_TORCHSERVE_MODEL_RESNET50", ServerTargets.ModelVariable(Framework.TorchServe, "resnet50"));
    }

    [Fact]
    public void Variables_Switch_A_Scenario_To_A_Real_Server_And_Name_Its_Model()
    {
        var servers = new ServerTargets(Reader(("SERVINGBENCH_TORCHSERVE_GRPC", "http://gpu-box:7070"), ("SERVINGBENCH_TORCHSERVE_MODEL_BART", " bart_large_cnn ")));

        Assert.Equal(new Uri("http://gpu-box:7070"), servers.Address(Framework.TorchServe, Protocol.Grpc));
        Assert.Null(servers.Address(Framework.TorchServe, Protocol.Rest));
        Assert.Equal("bart_large_cnn", servers.ModelName(Framework.TorchServe, "bart"));
        Assert.Equal("bart", servers.ModelName(Framework.Triton, "bart"));
        Assert.Equal("resnet50", servers.ModelName(Framework.TorchServe, "resnet50"));
    }

    [Fact]
    public void An_Address_That_Is_Not_Http_Names_The_Variable_And_Its_Value()
    {
        var servers = new ServerTargets(Reader(("SERVINGBENCH_TORCHSERVE_GRPC", "gpu-box:7070")));

        var error = Assert.Throws<SettingsException>(() => servers.Address(Framework.TorchServe, Protocol.Grpc));

        Assert.StartsWith("SERVINGBENCH_TORCHSERVE_GRPC='gpu-box:7070': not an http:// or https:// address", error.Message, StringComparison.Ordinal);
    }
}
