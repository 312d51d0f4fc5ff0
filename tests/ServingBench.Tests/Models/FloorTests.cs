using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Performance;

namespace ServingBench.Tests.Models;

/// <summary>The "× floor" column's numerator and denominator: docs/models.md's compute table, and a ceiling measured here.</summary>
public sealed class FloorTests
{
    /// <summary>The reference host's ceilings in docs/models.md: OpenBLAS sgemm on a 2-core Zen 5, and its sgemv bandwidth.</summary>
    private static readonly HostCeiling ModelsMdHost = new(465, 38.7, 2, 512);

    [Fact]
    public void ResNet50_Work_And_Floor_Match_Models_Md()
    {
        var work = ModelWork.ResNet50(new ResNet50(ModelSize.Real));
        Assert.Equal(8.18, work.ComputeGflop, 0.005);
        Assert.Equal(0, work.StreamedGigabytes);
        Assert.Equal(17.6, work.Floor(ModelsMdHost).TotalMilliseconds, 0.05);
    }

    [Theory]
    [InlineData(80_000, 71.7, 154)]
    [InlineData(160_000, 148.1, 319)]
    public void Wav2Vec2_Work_And_Floor_Match_Models_Md(long samples, double gflop, double floorMilliseconds)
    {
        var work = ModelWork.Wav2Vec2(new Wav2Vec2(ModelSize.Real), samples);
        Assert.Equal(gflop, work.ComputeGflop, 0.1);
        Assert.Equal(floorMilliseconds, work.Floor(ModelsMdHost).TotalMilliseconds, 1.0);
    }

    [Fact]
    public void Bart_Work_Matches_Models_Md()
    {
        var architecture = new Bart(ModelSize.Real);
        var encodeOnly = ModelWork.Bart(architecture, 512, steps: 0);

        // 167.5 GFLOP of encoder plus the cross-attention K/V, 12·2·S·d² MACs, once per sequence.
        Assert.Equal(167.5 + (2 * 12.0 * 2 * 512 * 1024 * 1024 / 1e9), encodeOnly.ComputeGflop, 0.1);

        // Each step streams the 227.6 M weights it multiplies by, as fp32.
        var oneStep = ModelWork.Bart(architecture, 512, steps: 1);
        Assert.Equal(227.6e6 * 4 / 1e9, oneStep.StreamedGigabytes, 0.001);
    }

    [Fact]
    public void Bart_Generation_Floor_Is_Memory_Bound_As_Models_Md_Says()
    {
        // docs/models.md: ≈3.7 s for 142 tokens on the reference host, the decode steps at the measured sgemv bandwidth.
        var work = ModelWork.ForInProcess(ModelKind.Bart);
        var floor = work.Floor(ModelsMdHost);
        Assert.InRange(floor.TotalSeconds, 3.5, 3.9);
        Assert.True(work.StreamedGigabytes / ModelsMdHost.GigabytesPerSecond > work.StreamedGflop / ModelsMdHost.Gflops);
        Assert.Equal(InProcessRunner.NewTokens, (int)Math.Round(work.StreamedGigabytes / ModelWork.Bart(new Bart(ModelSize.Real), 512, 1).StreamedGigabytes));
    }

    [Fact]
    public void Host_Ceiling_Is_Measured_On_Every_Core()
    {
        var ceiling = HostCeiling.Measure();
        Assert.Equal(Environment.ProcessorCount, ceiling.Threads);
        Assert.Contains(ceiling.VectorBits, (int[])[128, 256, 512]);

        // Bounds from the vector width the loop used. Above: two FMA ports per core issuing every cycle at 6 GHz,
        // which no core reaches, so a miscounted loop (FLOPs counted twice, a thread counted twice) lands above it.
        // Below: one FMA every four cycles (the latency of a single chain) at 1 GHz on one core's worth of time,
        // which even a host busy with other builds gives the best of five runs.
        double lanes = ceiling.VectorBits / 32.0;
        double peak = ceiling.Threads * 2 * lanes * 2 * 6.0;
        double crawl = lanes * 2 * 1.0 / 4;
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Numerics.Vector<float>.Count * 32, ceiling.VectorBits);
        Assert.InRange(ceiling.Gflops, crawl, peak);

        // Read bandwidth: above 1 GB/s (one core streaming from DRAM), below 100 GB/s per core (no core's load
        // units reach it from memory far larger than the caches).
        Assert.InRange(ceiling.GigabytesPerSecond, 1, 100.0 * ceiling.Threads);
    }
}
