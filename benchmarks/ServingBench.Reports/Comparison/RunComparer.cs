using ServingBench.Reports.Charts;

namespace ServingBench.Reports.Comparison;

/// <summary>A written comparison: the page, a shorter text for the console, the chart files, and whether anything got slower.</summary>
/// <param name="Summary">The header and only the rows or steps that changed, for a terminal or a CI log.</param>
public sealed record ComparisonOutcome(string PagePath, string Summary, IReadOnlyList<string> ChartFiles, bool HasRegression);

/// <summary>Compares two runs of one kind (benchmark rows or load steps) and writes the page and its ratio chart.</summary>
public static class RunComparer
{
    public const string PageFileName = "compare.md";

    /// <param name="windows">Reads a load step's windows from its interval log (the load library's reader; the app wires it).</param>
    public static ComparisonOutcome Compare(ComparedRuns runs, ShiftTest test, StepWindowsReader windows, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(test);
        Directory.CreateDirectory(outputDirectory);
        string header = ComparisonMarkdown.Header(runs, test);
        string page, summary;
        bool regression;
        var charts = new List<string>();
        // Both runs are of one kind (CompareSelection saw to it): a load run's folder holds steps, a benchmark run's rows.
        if (runs.Base.LoadSteps.Count > 0 || runs.New.LoadSteps.Count > 0)
        {
            var load = LoadComparison.Compare(runs.Base.LoadSteps, runs.Base.Folder.LoadDirectory, runs.New.LoadSteps, runs.New.Folder.LoadDirectory, windows, test);
            page = ComparisonMarkdown.Load(load, test);
            summary = ComparisonMarkdown.Load(load, test, changedOnly: true);
            regression = load.HasRegression;
            var points = load.Steps.SelectMany(s => s.Figures).Where(f => f.Ratio is not null)
                // A rate that fell is a slowdown: drawn as base ÷ new, so every point reads "above 1 is worse".
                .Select(f => (f.Figure == LoadComparison.RequestsPerSecond ? 1 / f.Ratio!.Value : f.Ratio!.Value, f.Verdict)).ToList();
            charts.AddRange(Save(RatioChart.Create("Load steps: new ÷ base (requests/s inverted: above 1 is worse)", points, test.Threshold), outputDirectory, "compare-load", ref page));
        }
        else
        {
            var rows = BenchmarkComparison.Compare(runs.Base.Rows, runs.New.Rows, test);
            page = ComparisonMarkdown.Benchmarks(rows, test.Threshold);
            summary = ComparisonMarkdown.Benchmarks(rows, test.Threshold, changedOnly: true);
            regression = rows.HasRegression;
            foreach (var c in rows.Classes)
            {
                var points = rows.Rows.Where(r => r.Class == c.Class && r.Ratio is not null).Select(r => (r.Ratio!.Value, r.Verdict)).ToList();
                charts.AddRange(Save(RatioChart.Create($"{c.Class}: new ÷ base per row", points, c.Threshold), outputDirectory, $"compare-{c.Class}", ref page));
            }
        }

        string pagePath = Path.Combine(outputDirectory, PageFileName);
        File.WriteAllText(pagePath, header + Environment.NewLine + page);
        return new ComparisonOutcome(pagePath, header + Environment.NewLine + summary, charts, regression);
    }

    /// <summary>The default folder for a comparison's page: inside the new run's folder, named after the base run.</summary>
    public static string DefaultOutput(ComparedRuns runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return Path.Combine(runs.New.Folder.FullPath, $"compare-{runs.Base.Folder.Id}");
    }

    private static string[] Save(ScottPlot.Plot plot, string directory, string name, ref string page)
    {
        var (png, svg) = ChartFile.Save(plot, Path.Combine(directory, name));
        page += $"{Environment.NewLine}![{name}]({name}.png){Environment.NewLine}";
        return [png, svg];
    }
}
