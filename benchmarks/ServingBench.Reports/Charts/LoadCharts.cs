using ScottPlot;
using ServingBench.Reports.Load;

namespace ServingBench.Reports.Charts;

/// <summary>
/// The load test's charts, drawn from summary.json steps (so the report verb redraws them from any run folder): the
/// ones people read first (requests/s and p99 against users or rate), the latency percentile distribution, and one
/// comparison of the selected scenarios. One colour per series in every chart.
/// </summary>
public static class LoadCharts
{
    /// <summary>One series' latency at each percentile, for <see cref="PercentileDistribution"/>.</summary>
    public sealed record PercentileCurve(string Label, IReadOnlyList<(double Percentile, double Microseconds)> Points);

    /// <summary>Writes every chart for <paramref name="steps"/> into <paramref name="folder"/>; returns the paths without extension.</summary>
    public static IReadOnlyList<string> SaveAll(IReadOnlyList<LoadStepSummary> steps, IReadOnlyList<PercentileCurve> curves, string folder)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(curves);
        var saved = new List<string>();
        if (steps.Count == 0)
        {
            return saved;
        }

        Save(Throughput(steps), Path.Combine(folder, "rps"), saved);
        Save(Latency(steps), Path.Combine(folder, "latency"), saved);
        if (curves.Count > 0)
        {
            Save(PercentileDistribution(curves), Path.Combine(folder, "percentiles"), saved);
        }

        Save(CompareScenarios(steps), Path.Combine(folder, "scenarios"), saved);
        return saved;
    }

    /// <summary>Requests/s against users (closed loop) or offered rate (open loop), one line per series.</summary>
    public static Plot Throughput(IReadOnlyList<LoadStepSummary> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var plot = new Plot();
        foreach (var series in steps.GroupBy(s => s.Series))
        {
            var points = series.OrderBy(s => s.Load).ToArray();
            var line = plot.Add.Scatter(points.Select(p => p.Load).ToArray(), points.Select(p => p.Rps).ToArray(), ColourOf(series.Key));
            line.LegendText = series.Key;
        }

        Label(plot, "Throughput", LoadAxis(steps), "responses/s");
        plot.Axes.SetLimitsY(0, Math.Max(1, steps.Max(s => s.Rps)) * 1.1);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>p50 (thin, open markers) and p99 (thick) in milliseconds, log scale, against users or rate.</summary>
    public static Plot Latency(IReadOnlyList<LoadStepSummary> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var plot = new Plot();
        foreach (var series in steps.GroupBy(s => s.Series))
        {
            var points = series.OrderBy(s => s.Load).ToArray();
            double[] x = [.. points.Select(p => p.Load)];
            var colour = ColourOf(series.Key);
            var p99 = plot.Add.Scatter(x, points.Select(p => Log10Ms(p.P99Us)).ToArray(), colour);
            p99.LegendText = series.Key + " p99";
            p99.LineWidth = 2;
            var p50 = plot.Add.Scatter(x, points.Select(p => Log10Ms(p.P50Us)).ToArray(), colour);
            p50.LegendText = series.Key + " p50";
            p50.LineWidth = 1; // thin with open markers, not dashed: SkiaSharp's SVG export has no dash effect
            p50.MarkerShape = MarkerShape.OpenCircle;
        }

        return LatencyPlot(plot, "Latency (p50 thin, p99 thick)", LoadAxis(steps));
    }

    /// <summary>
    /// Latency against percentile, HdrHistogram's way: the x axis is log10(1/(1−p)), so 90, 99, 99.9 and 99.99 are
    /// equally spaced and the tail is as visible as the median.
    /// </summary>
    public static Plot PercentileDistribution(IReadOnlyList<PercentileCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        foreach (var curve in curves)
        {
            var points = curve.Points.Where(p => p.Percentile < 100).ToArray();
            var line = plot.Add.Scatter(
                points.Select(p => Math.Log10(100 / (100 - p.Percentile))).ToArray(),
                points.Select(p => Log10Ms(p.Microseconds)).ToArray(),
                ColourOf(curve.Label));
            line.LegendText = curve.Label;
            line.MarkerSize = 0;
        }

        double[] ticks = [0, 1, 2, 3, 4];
        plot.Axes.Bottom.SetTicks(ticks, ["0%", "90%", "99%", "99.9%", "99.99%"]);
        return LatencyPlot(plot, "Latency by percentile", "percentile");
    }

    /// <summary>The selected scenarios side by side: each series' best requests/s, its p99 at that step written above the bar.</summary>
    public static Plot CompareScenarios(IReadOnlyList<LoadStepSummary> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var plot = new Plot();
        var best = steps.GroupBy(s => s.Series).Select(g => g.MaxBy(s => s.Rps)!).ToArray();
        var ticks = new Tick[best.Length];
        for (int i = 0; i < best.Length; i++)
        {
            var bar = plot.Add.Bar(i, best[i].Rps);
            bar.Color = ColourOf(best[i].Series);
            var label = plot.Add.Text(FormattableString.Invariant($"p99 {best[i].P99Us / 1000.0:0.##} ms"), i, best[i].Rps);
            label.LabelAlignment = Alignment.LowerCenter;
            ticks[i] = new Tick(i, best[i].Series.Replace('/', '\n'));
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title("Scenarios: best throughput");
        plot.YLabel("responses/s");
        return plot;
    }

    /// <summary>The same colour for the same series in every chart: a stable hash of its name into one palette.</summary>
    public static Color ColourOf(string series)
    {
        ArgumentNullException.ThrowIfNull(series);
        string key = series.Split(' ')[0];
        uint hash = 2166136261;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 16777619;
        }

        var palette = new ScottPlot.Palettes.Category10();
        return palette.GetColor((int)(hash % (uint)palette.Colors.Length));
    }

    private static void Save(Plot plot, string path, List<string> saved)
    {
        ChartFile.Save(plot, path);
        saved.Add(path);
    }

    private static string LoadAxis(IReadOnlyList<LoadStepSummary> steps) =>
        steps.All(s => s.Mode == LoadStepSummary.Open) ? "offered rate (requests/s)" : "concurrent users";

    private static double Log10Ms(double microseconds) => Math.Log10(Math.Max(microseconds, 1) / 1000.0);

    private static void UseLogMillisecondsAxis(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => FormattableString.Invariant($"{Math.Pow(10, y):0.###}"),
        };
    }

    /// <summary>Latency charts share a log-millisecond y axis and a legend where the lines start low.</summary>
    private static Plot LatencyPlot(Plot plot, string title, string xLabel)
    {
        UseLogMillisecondsAxis(plot);
        Label(plot, title, xLabel, "latency (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static void Label(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }
}
