using ServingBench.Models.Engines;
using ServingBench.Models.Performance;

namespace ServingBench.Tests.Models;

/// <summary>
/// The GPU ceiling's code measured where it can run here: on the CPU provider, small. The same graphs, binding and
/// arithmetic measure the GPU when a CUDA build runs on one.
/// </summary>
public sealed class DeviceCeilingTests
{
    [Fact]
    public void Measures_A_MatMul_Rate_And_Add_Traffic_On_The_Cpu_Provider()
    {
        var ceiling = DeviceCeiling.Measure(Device.Cpu, matrixSize: 256, addElements: 1 << 20, repeats: 2);

        // Two cores: a few to a few hundred GFLOP/s, a few to tens of GB/s; bounds that catch a unit slip (10³).
        Assert.InRange(ceiling.Gflops, 0.5, 5_000);
        Assert.InRange(ceiling.GigabytesPerSecond, 0.5, 5_000);
        Assert.Equal(Device.Cpu, ceiling.Device);
    }

    [Fact]
    public void Gpu_Ceiling_Exists_Exactly_Where_Cuda_Rows_Run()
    {
        bool cudaRuns = EngineSupport.WhyNot(EngineKind.OnnxRuntime, Device.Cuda) is null;
        Assert.Equal(cudaRuns, DeviceCeiling.Cuda is not null);
    }
}
