using System.Diagnostics;

namespace ServingBench.Load;

/// <summary>
/// The open loop's send times, as offsets from the step's start in <see cref="Stopwatch"/> ticks. Seeded: the same
/// seed gives the same arrivals, so two runs (or two frameworks) face the same load.
/// </summary>
/// <remarks>
/// Poisson gaps are −ln(1−U)/λ (inverse transform of the exponential distribution); constant gaps are 1/λ. A worker
/// of N draws from its own seed at λ/N: the superposition of N independent Poisson processes is Poisson at λ.
/// Constant workers are phase-shifted by i/λ so that N of them interleave into one constant stream.
/// </remarks>
public sealed class ArrivalSchedule
{
    private readonly Random _random;
    private readonly double _meanGapTicks;
    private readonly ArrivalProcess _process;
    private double _next;

    public ArrivalSchedule(double rate, ArrivalProcess process, int seed, double phaseSeconds = 0)
    {
        if (!(rate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "an arrival rate must be positive");
        }

        _random = new Random(seed);
        _meanGapTicks = Stopwatch.Frequency / rate;
        _process = process;
        _next = phaseSeconds * Stopwatch.Frequency;
    }

    /// <summary>The next arrival's offset from the start (ticks); each call advances the schedule.</summary>
    public long Next()
    {
        long arrival = (long)_next;
        _next += _process == ArrivalProcess.Poisson ? -Math.Log(1 - _random.NextDouble()) * _meanGapTicks : _meanGapTicks;
        return arrival;
    }
}
