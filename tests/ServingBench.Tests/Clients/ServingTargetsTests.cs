using ServingBench.Wire;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Tests.Clients;

// Same collection as the emulator tests: environment variables are process-wide, so these must not overlap.
[Collection(ServingBench.Tests.Emulators.EmulatorCollection.Name)]
public sealed class ServingTargetsTests
{
    [Fact]
    public void Variable_Names_Follow_Framework_And_Protocol()
    {
        Assert.Equal("SERVINGBENCH_TRITON_GRPC", ServingTargets.AddressVariable(Framework.Triton, Protocol.Grpc));
        Assert.Equal("SERVINGBENCH_TFSERVING_REST", ServingTargets.AddressVariable(Framework.TfServing, Protocol.Rest));
        Assert.Equal("SERVINGBENCH_TORCHSERVE_MODEL_RESNET50", ServingTargets.ModelVariable(Framework.TorchServe, "resnet50"));
    }

    [Fact]
    public void Environment_Switches_A_Scenario_To_A_Real_Server()
    {
        const string Address = "SERVINGBENCH_TORCHSERVE_GRPC";
        const string Model = "SERVINGBENCH_TORCHSERVE_MODEL_BART";
        try
        {
            Environment.SetEnvironmentVariable(Address, "http://gpu-box:7070");
            Environment.SetEnvironmentVariable(Model, "bart_large_cnn");
            Assert.Equal(new Uri("http://gpu-box:7070"), ServingTargets.ConfiguredAddress(Framework.TorchServe, Protocol.Grpc));
            Assert.Equal("bart_large_cnn", ServingTargets.ModelName(Framework.TorchServe, "bart"));
            Environment.SetEnvironmentVariable(Address, "gpu-box:7070");
            var error = Assert.Throws<ArgumentException>(() => ServingTargets.ConfiguredAddress(Framework.TorchServe, Protocol.Grpc));
            Assert.Contains(Address, error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Address, null);
            Environment.SetEnvironmentVariable(Model, null);
        }

        Assert.Null(ServingTargets.ConfiguredAddress(Framework.TorchServe, Protocol.Grpc));
        Assert.Equal("bart", ServingTargets.ModelName(Framework.TorchServe, "bart"));
    }

    [Fact]
    public void Pooled_Buffer_Grows_And_Keeps_Its_Bytes()
    {
        using var buffer = new PooledBufferWriter(256);
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        foreach (var chunk in data.Chunk(777))
        {
            chunk.CopyTo(buffer.GetSpan(chunk.Length));
            buffer.Advance(chunk.Length);
        }

        Assert.Equal(data, buffer.WrittenSpan.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(int.MaxValue));
    }
}
