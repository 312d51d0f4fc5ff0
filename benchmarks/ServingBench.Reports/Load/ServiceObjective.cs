using System.Text.RegularExpressions;

namespace ServingBench.Reports.Load;

/// <summary>
/// A service-level objective written as data, as k6 thresholds and MLPerf LoadGen's latency constraints are:
/// <c>p99&lt;250ms</c>, <c>p50&lt;100ms</c>, <c>failures&lt;1%</c>, <c>rps&gt;=100</c>. Evaluated per load step against
/// that step's summary figures.
/// </summary>
/// <param name="Text">The objective as written (summary.json keeps it so).</param>
/// <param name="Metric">p50, p90, p95, p99, p999, mean, max (latency), rps, or failures (share of attempts).</param>
/// <param name="Operator">&lt;, &lt;=, &gt; or &gt;=.</param>
/// <param name="Limit">The bound in <paramref name="Unit"/>.</param>
/// <param name="Unit">us, ms or s for latencies, "%" for failures, "/s" for rps.</param>
public sealed partial record ServiceObjective(string Text, string Metric, string Operator, double Limit, string Unit)
{
    /// <summary>Latency metrics and the summary figure (µs) each reads.</summary>
    private static readonly Dictionary<string, Func<LoadStepSummary, double>> Latencies = new(StringComparer.Ordinal)
    {
        ["p50"] = s => s.P50Us,
        ["p90"] = s => s.P90Us,
        ["p95"] = s => s.P95Us,
        ["p99"] = s => s.P99Us,
        ["p999"] = s => s.P999Us,
        ["mean"] = s => s.MeanUs,
        ["max"] = s => s.MaxUs,
    };

    /// <summary>Microseconds in one of each latency unit.</summary>
    private static readonly Dictionary<string, double> LatencyUnits = new(StringComparer.Ordinal)
    {
        ["us"] = 1,
        ["µs"] = 1,
        ["ms"] = 1_000,
        ["s"] = 1_000_000,
    };

    public const string Rps = "rps";
    public const string Failures = "failures";

    /// <summary>How the objective reads in prose: <c>p99 &lt; 250 ms</c>.</summary>
    public string Description => FormattableString.Invariant($"{Metric} {Operator} {Limit:0.###}{(Unit is "%" or "/s" ? string.Empty : " ")}{Unit}");

    /// <summary>Parses comma-separated objectives (<c>p99&lt;250ms,failures&lt;1%</c>).</summary>
    /// <exception cref="FormatException">An objective is malformed; the message names it and says what was expected.</exception>
    public static IReadOnlyList<ServiceObjective> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var objectives = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();
        return objectives.Length > 0 ? objectives : throw new FormatException($"'{text}' holds no objective (e.g. p99<250ms, failures<1%, rps>=100)");
    }

    /// <exception cref="FormatException">The objective is malformed; the message names it and says what was expected.</exception>
    public static ServiceObjective Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Grammar().Match(text.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not an objective such as p99<250ms, p50<100ms, failures<1% or rps>=100 (a metric, <, <=, > or >=, a number and its unit)");
        }

        string metric = match.Groups["metric"].Value.ToLowerInvariant().Replace("p99.9", "p999", StringComparison.Ordinal);
        string op = match.Groups["op"].Value;
        string unit = match.Groups["unit"].Value.ToLowerInvariant();
        if (!double.TryParse(match.Groups["limit"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double limit))
        {
            throw new FormatException($"'{text}': '{match.Groups["limit"].Value}' is not a number");
        }

        string? problem = metric switch
        {
            _ when Latencies.ContainsKey(metric) => LatencyUnits.ContainsKey(unit) ? null : "a latency needs a unit: us, ms or s (p99<250ms)",
            Failures => unit == "%" ? null : "failures are a share of the attempts, in % (failures<1%)",
            Rps => unit is "" or "/s" ? null : "rps is answers per second, a bare number (rps>=100)",
            _ => $"unknown metric '{match.Groups["metric"].Value}'; known: {string.Join(", ", Latencies.Keys)}, {Rps}, {Failures}",
        };
        return problem is null
            ? new ServiceObjective(text.Trim(), metric, op, limit, metric == Rps ? "/s" : unit)
            : throw new FormatException($"'{text}': {problem}");
    }

    /// <summary>The step's figure in this objective's unit; NaN when the step gives none (no answer, no attempt).</summary>
    public double Measure(LoadStepSummary step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (Metric == Rps)
        {
            return step.Rps;
        }

        if (Metric == Failures)
        {
            double failed = step.Failures.Values.Sum() + step.Timeouts;
            double attempts = step.Requests + failed;
            return attempts > 0 ? 100 * failed / attempts : double.NaN;
        }

        // A step without a single answer has no latency: it cannot meet a latency objective by reading 0.
        return step.Requests > 0 ? Latencies[Metric](step) / LatencyUnits[Unit] : double.NaN;
    }

    /// <summary>Whether <paramref name="measured"/> (in this objective's unit) meets it; NaN never does.</summary>
    public bool IsMetBy(double measured) => !double.IsNaN(measured) && Operator switch
    {
        "<" => measured < Limit,
        "<=" => measured <= Limit,
        ">" => measured > Limit,
        _ => measured >= Limit,
    };

    /// <summary>True for latency objectives (drawn on the latency chart); rps objectives go on the throughput chart.</summary>
    public bool IsLatency => Latencies.ContainsKey(Metric);

    /// <summary>The limit in microseconds, for a latency objective.</summary>
    public double LimitMicroseconds => IsLatency ? Limit * LatencyUnits[Unit] : double.NaN;

    [GeneratedRegex(@"^(?<metric>[a-zA-Z]+[0-9.]*)\s*(?<op><=|>=|<|>)\s*(?<limit>[0-9]+(\.[0-9]+)?)\s*(?<unit>[a-zA-Zµ%/]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
