using BenchmarkDotNet.Mathematics;

namespace ServingBench.Benchmarks;

/// <summary>
/// The paired decomposition of one round-trip row: over the same calls, the server's engine time and the rest of the
/// round trip (the protocol's part), each as a mean with its 99.9 % error, ns.
/// </summary>
/// <remarks>
/// Why paired: the unpaired check takes the onnx round trip and the in-process row from two BenchmarkDotNet processes
/// minutes apart, and on a VM the model alone drifts several canned round trips between them. Subtracting each call's
/// own engine time, as the server published it, removes the model from the difference, so what is left is measured to
/// the protocol's own noise. It reaches the host inside <see cref="ServerTimes"/>.
/// </remarks>
public sealed record PairedTimes(int Calls, double ProtocolMeanNs, double ProtocolErrorNs, double EngineMeanNs, double EngineErrorNs);

/// <summary>
/// Collects (round trip, engine time) samples without allocating, one per iteration (its mean per call): the last
/// <see cref="Capacity"/>, which for a model row are all of them.
/// </summary>
public sealed class PairedTimesRecorder
{
    public const int Capacity = 4096;

    private readonly double[] _protocolNs = new double[Capacity];
    private readonly double[] _engineNs = new double[Capacity];
    private long _calls;

    /// <summary>One sample: a call's round trip (or an iteration's mean per call) and the server's engine time in it, ns.</summary>
    public void AddNanoseconds(double roundTripNs, double engineNs)
    {
        int slot = (int)(_calls++ % Capacity);
        _protocolNs[slot] = roundTripNs - engineNs;
        _engineNs[slot] = engineNs;
    }

    public void Clear() => _calls = 0;

    /// <summary>
    /// Means and 99.9 % errors as BenchmarkDotNet computes a row's: calls whose round trip is an upper outlier are left
    /// out, as BenchmarkDotNet leaves out such iterations by default. Null below two calls (no error without a spread).
    /// </summary>
    public PairedTimes? Summarise()
    {
        int count = (int)Math.Min(_calls, Capacity);
        if (count < 2)
        {
            return null;
        }

        var roundTrips = new Statistics(Enumerable.Range(0, count).Select(RoundTrip));
        var kept = Enumerable.Range(0, count).Where(i => !roundTrips.IsUpperOutlier(RoundTrip(i))).ToList();
        var protocol = new Statistics(kept.Select(i => _protocolNs[i]));
        var engine = new Statistics(kept.Select(i => _engineNs[i]));
        return new PairedTimes(kept.Count, protocol.Mean, protocol.ConfidenceInterval.Margin, engine.Mean, engine.ConfidenceInterval.Margin);

        double RoundTrip(int i) => _protocolNs[i] + _engineNs[i];
    }
}
