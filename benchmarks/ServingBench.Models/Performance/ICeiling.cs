namespace ServingBench.Models.Performance;

/// <summary>What a processor can do at most, as a model's floor needs it: a compute rate and a memory rate.</summary>
public interface ICeiling
{
    /// <summary>Peak fp32 multiply-add throughput, 10⁹ FLOP/s (one multiply-add = 2 FLOP).</summary>
    double Gflops { get; }

    /// <summary>Sustained memory bandwidth, 10⁹ B/s.</summary>
    double GigabytesPerSecond { get; }
}
