using ServingBench.Reports.Composition;

namespace ServingBench.Reports.Comparison;

/// <summary>The text of a comparison: the two runs, the test, a table per class or of steps (regressions first).</summary>
public static class ComparisonMarkdown
{
    /// <summary>Which runs, from what, and how they were compared.</summary>
    public static string Header(ComparedRuns runs, ShiftTest test)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(test);
        var (b, n) = (runs.Base.Manifest, runs.New.Manifest);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Compare `{b.Id}` → `{n.Id}`").AppendLine();
        text.AppendLine("| | base | new |").AppendLine("|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| run | `{b.Id}` | `{n.Id}` |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| commit | {Commit(b)} | {Commit(n)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| status | {Status(b)} | {Status(n)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| filter | {Filter(b)} | {Filter(n)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| job | {b.Job} | {n.Job} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| machine | {b.Machine.Fingerprint} | {n.Machine.Fingerprint} |").AppendLine();
        if (runs.Difference is { } difference)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**Runs on different machines or jobs** (compared with `--allow-different-machines`): {difference}. A ratio here mixes the code's change with the machines' difference.").AppendLine();
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"Each verdict comes from two one-sided Mann–Whitney tests at α = {test.Alpha:0.###} over the individual measurements: a figure is slower or faster only when it moved beyond the threshold significantly, so noise is not called a change. Threshold asked for: {Percent(test.Threshold)}.");
        return text.ToString();
    }

    /// <param name="asked">The threshold asked for, to say where the drift raised it.</param>
    public static string Benchmarks(BenchmarkComparison comparison, double asked, bool changedOnly = false)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var text = new StringBuilder();
        text.AppendLine("Measurements are BenchmarkDotNet's workload result iterations (time per operation). Per class, the threshold used is the larger of the one asked for and the drift between the two runs (3 × the robust spread of all the class's rows' ratios: what a row that did not change can move between two processes); `detectable` is the smallest slowdown each row's test would call with the spread both runs measured, and the class's figure is its rows' median.").AppendLine();
        text.AppendLine("`median new ÷ base` far from 1 with every row moved alike means the machine, not the code, changed (a busy host, another CPU); compare runs of a quiet machine.").AppendLine();
        text.AppendLine("| class | rows | slower | faster | same | unresolved | median new ÷ base | drift between runs | threshold used | smallest change detectable |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in comparison.Classes)
        {
            string drift = c.Drift is { } d ? $"±{Percent(d.Sigma)} ({d.Rows} rows)" : $"— (under {RunDrift.MinRows} rows)";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Class} | {c.Rows} | {Bold(c.Slower)} | {c.Faster} | {c.Same} | {c.Unresolved} | {Ratio(c.MedianRatio)} | {drift} | {Percent(c.Threshold)} | {Percent(c.SmallestDetectable)} |");
        }

        // A pipeline that passes because nothing could be told apart must say so, not stay silent.
        foreach (var c in comparison.Classes.Where(c => c.Threshold > asked))
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"**{c.Class}: the drift between these runs raised the threshold from {Percent(asked)} to {Percent(c.Threshold)}**; a change smaller than about {Percent(c.SmallestDetectable ?? c.Threshold)} cannot be told from it here. Quieter runs (an idle machine, `--launchCount`) lower it.");
        }

        text.AppendLine();
        AppendTable(
            text,
            changedOnly ? [.. comparison.Rows.Where(r => r.Verdict is Verdict.Slower or Verdict.Faster)] : comparison.Rows,
            changedOnly ? "No row moved beyond its threshold." : "No row was measured in both runs.",
            "| verdict | class | case | base mean | new mean | new ÷ base | measurements | detectable | noisy |\n|---|---|---|---:|---:|---:|---:|---:|---|",
            r => $"| {VerdictText(r.Verdict)} | {r.Class} | {r.Case} | {Figures.Time(r.BaseMeanNs)} | {Figures.Time(r.NewMeanNs)} | {Ratio(r.Ratio)} | {r.BaseCount} / {r.NewCount} | {Percent(r.SmallestDetectable)} | {(r.Noisy ? "yes" : string.Empty)} |");

        AppendOnlyIn(text, comparison.OnlyInBase, comparison.OnlyInNew, "rows", listThem: !changedOnly);
        return text.ToString();
    }

    public static string Load(LoadComparison comparison, ShiftTest test, bool changedOnly = false)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(test);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Per step, requests/s, p50 and p99 are tested over the step's measurement windows (one value per window from its interval histogram; a step needs {MinWindows(test)} windows a side to be resolved at all). The figures shown are the steps' own.").AppendLine();
        AppendTable(
            text,
            changedOnly ? [.. comparison.Steps.Where(s => s.Figures.Any(f => f.Verdict is Verdict.Slower or Verdict.Faster))] : comparison.Steps,
            changedOnly ? "No step moved beyond the threshold." : "No step was measured in both runs.",
            "| verdict | series | client | load | windows | requests/s | p50 | p99 |\n|---|---|---|---|---:|---:|---:|---:|",
            s => $"| {VerdictText(s.Worst)} | {s.Series} | {s.Client} | {s.Load} | {s.BaseWindows} / {s.NewWindows} | {string.Join(" | ", s.Figures.Select(FigureText))} |");

        AppendOnlyIn(text, comparison.OnlyInBase, comparison.OnlyInNew, "steps", listThem: !changedOnly);
        return text.ToString();
    }

    /// <summary>A table of <paramref name="items"/> under <paramref name="header"/>, or one line saying there is none.</summary>
    private static void AppendTable<T>(StringBuilder text, IReadOnlyList<T> items, string none, string header, Func<T, string> row)
    {
        if (items.Count == 0)
        {
            text.AppendLine(none);
            return;
        }

        text.AppendLine(header);
        foreach (var item in items)
        {
            text.AppendLine(row(item));
        }
    }

    /// <summary>The fewest windows per side at which the test can reach its level (4 at 5 %).</summary>
    private static int MinWindows(ShiftTest test) => Enumerable.Range(1, 50).First(n => test.CanResolve(n, n));

    private static string FigureText(FigureComparison figure)
    {
        string Value(double v) => figure.Figure == LoadComparison.RequestsPerSecond
            ? v.ToString("0.#", CultureInfo.InvariantCulture)
            : Figures.Time(v * 1000);
        string verdict = figure.Verdict is Verdict.Slower or Verdict.Faster ? $" **{VerdictText(figure.Verdict)}**" : string.Empty;
        return $"{Value(figure.Base)} → {Value(figure.New)} ({Ratio(figure.Ratio)}){verdict}";
    }

    /// <summary>A subset run against a full baseline leaves most rows in one run only: a count, and the list folded away.</summary>
    private static void AppendOnlyIn(StringBuilder text, IReadOnlyList<string> onlyInBase, IReadOnlyList<string> onlyInNew, string what, bool listThem)
    {
        foreach (var (run, items) in new[] { ("base", onlyInBase), ("new", onlyInNew) })
        {
            if (items.Count == 0)
            {
                continue;
            }

            string line = $"{items.Count} {what} only in the {run} run";
            text.AppendLine();
            if (listThem)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"<details><summary>{line}</summary>").AppendLine();
                foreach (string item in items)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"- {item}");
                }

                text.AppendLine().AppendLine("</details>");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{line} (listed in the page).");
            }
        }
    }

    internal static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Slower => "**slower**",
        Verdict.Faster => "faster",
        Verdict.Same => "same",
        _ => "unresolved",
    };

    private static string Bold(int count) => count > 0 ? $"**{count}**" : "0";

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) + "×" : "—";

    private static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    private static string Commit(RunManifest manifest) =>
        manifest.Git.Commit is { } c ? $"`{c[..Math.Min(12, c.Length)]}`{(manifest.Git.Dirty ? " (dirty)" : string.Empty)}" : "unknown";

    private static string Status(RunManifest manifest) =>
        manifest.Status == RunStatus.Complete ? "complete" : $"{manifest.Status.ToString().ToLowerInvariant()} ({manifest.StatusReason})";

    private static string Filter(RunManifest manifest) => manifest.Filter.Count == 0 ? "—" : $"`{string.Join(" ", manifest.Filter)}`";
}
