using ServingBench.Reports.Load;

namespace ServingBench.Reports.Comparison;

/// <summary>One measurement window of a load step, as its interval log records it.</summary>
/// <param name="Rps">Answers in the window ÷ the window's length.</param>
/// <param name="P50Us">Null when the window had no answer (no latency to speak of).</param>
public sealed record WindowFigures(double Rps, double? P50Us, double? P99Us);

/// <summary>The windows of <paramref name="step"/> in the load folder <paramref name="loadDirectory"/>; null when its interval log is missing.</summary>
public delegate IReadOnlyList<WindowFigures>? StepWindowsReader(string loadDirectory, LoadStepSummary step);

/// <summary>One figure of a step in both runs: the step's own value in each, and the test's verdict over the windows.</summary>
public sealed record FigureComparison(string Figure, double Base, double New, Verdict Verdict)
{
    public double? Ratio => Base > 0 ? New / Base : null;
}

/// <summary>One step (series, client and load) in both runs.</summary>
public sealed record StepComparison(string Series, string Client, string Load, int BaseWindows, int NewWindows, IReadOnlyList<FigureComparison> Figures)
{
    public Verdict Worst => Figures.Select(f => f.Verdict).OrderBy(BenchmarkComparison.VerdictOrder).FirstOrDefault(Verdict.Unresolved);
}

/// <summary>
/// Two load runs compared step by step: requests/s, p50 and p99, each a <see cref="ShiftTest"/> over the steps'
/// measurement windows (one value per window from its interval histogram), so a step's verdict rests on how its
/// windows vary, not on one figure. Steps match on series, load client, mode and load; the rest are listed.
/// </summary>
/// <remarks>
/// Windows of a merged run are each worker's share, so two merged runs compare alike only with the same worker count.
/// A step needs at least four windows on each side for the test to reach 5 % (three against three never can).
/// </remarks>
/// <param name="Steps">Steps in both runs, those with a slower figure first.</param>
public sealed record LoadComparison(IReadOnlyList<StepComparison> Steps, IReadOnlyList<string> OnlyInBase, IReadOnlyList<string> OnlyInNew)
{
    public const string RequestsPerSecond = "requests/s";
    public const string P50 = "p50";
    public const string P99 = "p99";

    public bool HasRegression => Steps.Any(s => s.Worst == Verdict.Slower);

    public static LoadComparison Compare(
        IReadOnlyList<LoadStepSummary> baseSteps, string baseDirectory, IReadOnlyList<LoadStepSummary> newSteps, string newDirectory,
        StepWindowsReader windows, ShiftTest test)
    {
        ArgumentNullException.ThrowIfNull(baseSteps);
        ArgumentNullException.ThrowIfNull(newSteps);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(test);
        var baseByKey = baseSteps.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var newByKey = newSteps.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var steps = new List<StepComparison>();
        foreach (var (key, baseline) in baseByKey.Where(kv => newByKey.ContainsKey(kv.Key)))
        {
            var candidate = newByKey[key];
            var baseWindows = windows(baseDirectory, baseline) ?? [];
            var newWindows = windows(newDirectory, candidate) ?? [];
            steps.Add(new StepComparison(baseline.Series, baseline.Client ?? "full", baseline.LoadText, baseWindows.Count, newWindows.Count,
            [
                Figure(RequestsPerSecond, baseline.Rps, candidate.Rps, baseWindows.Select(w => w.Rps), newWindows.Select(w => w.Rps), BetterWhen.Higher, test),
                Figure(P50, baseline.P50Us, candidate.P50Us, Latencies(baseWindows, w => w.P50Us), Latencies(newWindows, w => w.P50Us), BetterWhen.Lower, test),
                Figure(P99, baseline.P99Us, candidate.P99Us, Latencies(baseWindows, w => w.P99Us), Latencies(newWindows, w => w.P99Us), BetterWhen.Lower, test),
            ]));
        }

        return new LoadComparison(
            [.. steps.OrderBy(s => BenchmarkComparison.VerdictOrder(s.Worst))],
            [.. baseByKey.Where(kv => !newByKey.ContainsKey(kv.Key)).Select(kv => kv.Key)],
            [.. newByKey.Where(kv => !baseByKey.ContainsKey(kv.Key)).Select(kv => kv.Key)]);
    }

    private static FigureComparison Figure(
        string name, double baseValue, double newValue, IEnumerable<double> baseWindows, IEnumerable<double> newWindows, BetterWhen better, ShiftTest test) =>
        new(name, baseValue, newValue, test.Compare([.. baseWindows], [.. newWindows], better));

    private static IEnumerable<double> Latencies(IReadOnlyList<WindowFigures> windows, Func<WindowFigures, double?> figure) =>
        windows.Select(figure).Where(v => v is not null).Select(v => v!.Value);

    /// <summary>A worker's share and a whole run never match: their windows hold different loads.</summary>
    private static string Key(LoadStepSummary step) => $"{step.Series} client {step.Client ?? "full"} {step.LoadText}{(step.Worker is null ? string.Empty : " worker " + step.Worker)}";
}
