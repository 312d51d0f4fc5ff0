using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Mathematics;

namespace ServingBench.Benchmarks;

/// <summary>
/// The paired decomposition of one round-trip row: over the same calls, the server's engine time and the rest of the
/// round trip (the protocol's part), each as a mean with its 99.9 % error, ns.
/// </summary>
/// <remarks>
/// Why paired: the unpaired check takes the onnx round trip and the in-process row from two BenchmarkDotNet processes
/// minutes apart, and on a VM the model alone drifts several canned round trips between them. Subtracting each call's
/// own engine time removes the model from the difference, so what is left is measured to the protocol's own noise.
/// The benchmark process prints one <see cref="ToLine"/>; the host reads it back from the process's output.
/// </remarks>
public sealed record PairedTimes(int Calls, double ProtocolMeanNs, double ProtocolErrorNs, double EngineMeanNs, double EngineErrorNs)
{
    private const string Prefix = "// ServingBench paired ";

    /// <summary>What a benchmark process reported for each case when it ran in this process (the in-process toolchain).</summary>
    private static readonly ConcurrentDictionary<string, PairedTimes> ReportedHere = new(StringComparer.Ordinal);

    /// <summary><c>// ServingBench paired {case}: calls=25 protocol=812.3±40.1 engine=216903.2±1201.7</c> (ns).</summary>
    public string ToLine(string caseName) => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}{caseName}: calls={Calls} protocol={ProtocolMeanNs:0.0}±{ProtocolErrorNs:0.0} engine={EngineMeanNs:0.0}±{EngineErrorNs:0.0}");

    /// <summary>Prints the line for the host to read and keeps it for a host in this very process.</summary>
    public void Report(string caseName, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ReportedHere[caseName] = this;
        output.WriteLine(ToLine(caseName));
    }

    /// <summary>The case's figures from a benchmark process's output lines, else from this process; null when neither has them.</summary>
    public static PairedTimes? Find(string caseName, IEnumerable<string> outputLines)
    {
        ArgumentNullException.ThrowIfNull(outputLines);
        string start = Prefix + caseName + ": ";
        string? line = outputLines.LastOrDefault(l => l.StartsWith(start, StringComparison.Ordinal));
        return line is not null ? Parse(line[start.Length..]) : ReportedHere.GetValueOrDefault(caseName);
    }

    private static PairedTimes? Parse(string fields)
    {
        var values = fields.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('='))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1].Split('±'), StringComparer.Ordinal);
        return int.TryParse(values.GetValueOrDefault("calls")?[0], NumberStyles.None, CultureInfo.InvariantCulture, out int calls)
            && Pair(values.GetValueOrDefault("protocol")) is { } protocol
            && Pair(values.GetValueOrDefault("engine")) is { } engine
            ? new PairedTimes(calls, protocol.Mean, protocol.Error, engine.Mean, engine.Error)
            : null;

        static (double Mean, double Error)? Pair(string[]? pair) =>
            pair is [var mean, var error]
            && double.TryParse(mean, NumberStyles.Float, CultureInfo.InvariantCulture, out double m)
            && double.TryParse(error, NumberStyles.Float, CultureInfo.InvariantCulture, out double e)
                ? (m, e)
                : null;
    }
}

/// <summary>
/// Collects (round trip, engine time) per call without allocating: the last <see cref="Capacity"/> calls, which for a
/// model row are all of them and for a canned row the steady state at the end.
/// </summary>
public sealed class PairedTimesRecorder
{
    public const int Capacity = 4096;

    private readonly double[] _protocolNs = new double[Capacity];
    private readonly double[] _engineNs = new double[Capacity];
    private long _calls;

    /// <param name="roundTripTicks">The whole call as the client saw it, <see cref="Stopwatch"/> ticks.</param>
    /// <param name="engineTicks">The server's time inside its backend during that call, <see cref="Stopwatch"/> ticks.</param>
    public void Add(long roundTripTicks, long engineTicks)
    {
        int slot = (int)(_calls++ % Capacity);
        _protocolNs[slot] = (roundTripTicks - engineTicks) * NanosecondsPerTick;
        _engineNs[slot] = engineTicks * NanosecondsPerTick;
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

    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;
}
