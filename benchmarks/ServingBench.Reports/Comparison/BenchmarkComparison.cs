using ServingBench.Reports.Composition;

namespace ServingBench.Reports.Comparison;

/// <summary>One case measured in both runs: both means, their ratio, and the test's verdict over the individual measurements.</summary>
/// <param name="Case">The method and parameters as a reader names the row (<c>EncodeRequest resnet50-tensor/triton-grpc-raw</c>).</param>
/// <param name="SmallestDetectable">The smallest slowdown this row's test would call (see <see cref="ShiftTest.SmallestDetectableChange"/>).</param>
/// <param name="Noisy">Either run's row has an error above 5 % of its mean (the page's Noisy rule).</param>
public sealed record RowComparison(
    string Class, string Case, double? BaseMeanNs, double? NewMeanNs, int BaseCount, int NewCount, Verdict Verdict, double? SmallestDetectable, bool Noisy)
{
    /// <summary>New mean ÷ base mean; above 1 is slower.</summary>
    public double? Ratio => BaseMeanNs is > 0 && NewMeanNs is { } n ? n / BaseMeanNs : null;
}

/// <summary>
/// One benchmark class in a comparison: how many rows went which way, the drift between the runs, the threshold a
/// change had to clear, and the smallest change the comparison could detect (the median of its rows').
/// </summary>
/// <param name="Threshold">The larger of the threshold asked for and the drift's floor: what each row's test used.</param>
/// <param name="Drift">Null when the class has too few rows to estimate it.</param>
/// <param name="MedianRatio">The median of the rows' (new ÷ base) ratios of means: far from 1 when the whole class moved.</param>
/// <param name="SmallestDetectable">The median over the class's rows of the smallest slowdown each row's test would call; null when no row could tell.</param>
public sealed record ClassComparison(
    string Class, int Rows, int Slower, int Faster, int Same, int Unresolved, double? MedianRatio, double Threshold, RunDrift? Drift, double? SmallestDetectable);

/// <summary>
/// Two benchmark runs compared row by row from BenchmarkDotNet's individual measurements: per class, the drift between
/// the runs sets the threshold floor (<see cref="RunDrift"/>), then each row gets <see cref="ShiftTest"/>'s verdict.
/// Rows measured in one run only are listed as such.
/// </summary>
/// <param name="Rows">Every row in both runs, slower ones first (largest ratio first), then faster, same and unresolved.</param>
/// <param name="OnlyInBase">Rows (class and case) the base run measured and the new one did not.</param>
public sealed record BenchmarkComparison(
    IReadOnlyList<RowComparison> Rows, IReadOnlyList<ClassComparison> Classes, IReadOnlyList<string> OnlyInBase, IReadOnlyList<string> OnlyInNew)
{
    public bool HasRegression => Rows.Any(r => r.Verdict == Verdict.Slower);

    public static BenchmarkComparison Compare(IReadOnlyList<BenchmarkRow> baseRows, IReadOnlyList<BenchmarkRow> newRows, ShiftTest test)
    {
        ArgumentNullException.ThrowIfNull(baseRows);
        ArgumentNullException.ThrowIfNull(newRows);
        ArgumentNullException.ThrowIfNull(test);
        var baseByKey = baseRows.Where(r => r.MeanNs is not null).ToDictionary(r => r.Key);
        var newByKey = newRows.Where(r => r.MeanNs is not null).ToDictionary(r => r.Key);
        var paired = baseByKey.Keys.Where(newByKey.ContainsKey).Select(k => (Base: baseByKey[k], New: newByKey[k])).ToList();

        var rows = new List<RowComparison>();
        var classes = new List<ClassComparison>();
        foreach (var group in paired.GroupBy(p => p.Base.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var drift = RunDrift.Estimate(group
                .Where(p => p.Base.Measurements.Count > 0 && p.New.Measurements.Count > 0)
                .Select(p => ShiftTest.Median(p.New.Measurements) / ShiftTest.Median(p.Base.Measurements)));
            var classTest = test.WithThreshold(Math.Max(test.Threshold, drift?.Floor ?? 0));
            var classRows = group.Select(p => CompareRow(p.Base, p.New, classTest)).ToList();
            rows.AddRange(classRows);
            var detectable = classRows.Where(r => r.SmallestDetectable is not null).Select(r => r.SmallestDetectable!.Value).ToArray();
            var ratios = classRows.Where(r => r.Ratio is not null).Select(r => r.Ratio!.Value).ToArray();
            classes.Add(new ClassComparison(
                group.Key,
                classRows.Count,
                classRows.Count(r => r.Verdict == Verdict.Slower),
                classRows.Count(r => r.Verdict == Verdict.Faster),
                classRows.Count(r => r.Verdict == Verdict.Same),
                classRows.Count(r => r.Verdict == Verdict.Unresolved),
                ratios.Length > 0 ? ShiftTest.Median(ratios) : null,
                classTest.Threshold,
                drift,
                detectable.Length > 0 ? ShiftTest.Median(detectable) : null));
        }

        return new BenchmarkComparison(
            [.. rows.OrderBy(r => VerdictOrder(r.Verdict)).ThenByDescending(r => r.Verdict == Verdict.Faster ? 1 / r.Ratio : r.Ratio)],
            classes,
            [.. baseByKey.Values.Where(r => !newByKey.ContainsKey(r.Key)).Select(Describe)],
            [.. newByKey.Values.Where(r => !baseByKey.ContainsKey(r.Key)).Select(Describe)]);
    }

    /// <summary>Regressions first: they are what a reader (and a pipeline) looks for.</summary>
    internal static int VerdictOrder(Verdict verdict) => verdict switch
    {
        Verdict.Slower => 0,
        Verdict.Faster => 1,
        Verdict.Same => 2,
        _ => 3,
    };

    private static RowComparison CompareRow(BenchmarkRow baseline, BenchmarkRow candidate, ShiftTest test) => new(
        baseline.Class,
        CaseName(baseline),
        baseline.MeanNs,
        candidate.MeanNs,
        baseline.Measurements.Count,
        candidate.Measurements.Count,
        test.Compare(baseline.Measurements, candidate.Measurements),
        test.SmallestDetectableChange(baseline.Measurements, candidate.Measurements),
        baseline.IsNoisy || candidate.IsNoisy);

    private static string CaseName(BenchmarkRow row) =>
        $"{row.Method} {string.Join(" ", row.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value))}".Trim();

    private static string Describe(BenchmarkRow row) => $"{row.Class} {CaseName(row)}";
}
