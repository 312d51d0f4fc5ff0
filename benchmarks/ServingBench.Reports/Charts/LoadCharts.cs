using ScottPlot;
using ServingBench.Reports.Load;

namespace ServingBench.Reports.Charts;

/// <summary>
/// The load test's charts, drawn from summary.json steps (so the report verb redraws them from any run folder): the
/// ones people read first (requests/s and p99 against users or rate), the latency percentile distribution, and one
/// comparison of the selected scenarios. One colour per series in every chart, no two series alike (<see cref="SeriesColours"/>).
/// </summary>
public static class LoadCharts
{
    /// <summary>One series' latency at each percentile, for <see cref="PercentileDistribution"/>.</summary>
    public sealed record PercentileCurve(string Label, IReadOnlyList<(double Percentile, double Microseconds)> Points);

    /// <summary>Writes every chart for <paramref name="steps"/> into <paramref name="folder"/>; returns the paths without extension.</summary>
    /// <param name="objectives">The run's <c>--slo</c> objectives: each latency or rps objective is drawn as a line on its chart.</param>
    public static IReadOnlyList<string> SaveAll(
        IReadOnlyList<LoadStepSummary> steps, IReadOnlyList<PercentileCurve> curves, string folder, IReadOnlyList<ServiceObjective>? objectives = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(curves);
        var saved = new List<string>();
        if (steps.Count == 0)
        {
            return saved;
        }

        Save(Throughput(steps, objectives), Path.Combine(folder, "rps"), saved);
        Save(Latency(steps, objectives), Path.Combine(folder, "latency"), saved);
        if (curves.Count > 0)
        {
            Save(PercentileDistribution(curves), Path.Combine(folder, "percentiles"), saved);
        }

        Save(CompareScenarios(steps), Path.Combine(folder, "scenarios"), saved);
        foreach (var series in steps.GroupBy(s => s.Series))
        {
            if (TimeSplit([.. series]) is { } split)
            {
                Save(split, Path.Combine(folder, "split-" + series.Key.Replace('/', '_')), saved);
            }
        }

        return saved;
    }

    /// <summary>
    /// Where one series' mean latency went at each step, from the server's statistics: engine, server queue, server
    /// codec, network + protocol + client, stacked on a linear axis. Null when no step of the series has the split.
    /// </summary>
    public static Plot? TimeSplit(IReadOnlyList<LoadStepSummary> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var bars = series.OrderBy(s => s.Load)
            .Select(s => (Label: LoadLabel(s), Parts: StackedTimeChart.Split(s.MeanUs / 1000, s.ServerRequestUs / 1000, s.ServerQueueUs / 1000, s.ServerComputeInferUs / 1000)))
            .Where(b => b.Parts is not null)
            .Select(b => (b.Label, b.Parts!))
            .ToList();
        return bars.Count == 0 ? null : StackedTimeChart.Create($"{series[0].Series}: where the mean latency went", "mean latency (ms)", bars,
            v => FormattableString.Invariant($"{v:0.###}"));
    }

    private static string LoadLabel(LoadStepSummary step) => step.Mode == LoadStepSummary.Open
        ? FormattableString.Invariant($"{step.Rate:0.###}/s")
        : FormattableString.Invariant($"{step.Users} users");

    /// <summary>Requests/s against users (closed loop) or offered rate (open loop), one line per series; rps objectives as lines.</summary>
    public static Plot Throughput(IReadOnlyList<LoadStepSummary> steps, IReadOnlyList<ServiceObjective>? objectives = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var plot = new Plot();
        foreach (var (series, points, colour) in SeriesByLoad(steps))
        {
            var line = plot.Add.Scatter(points.Select(p => p.Load).ToArray(), points.Select(p => p.Rps).ToArray(), colour);
            line.LegendText = series;
        }

        var rpsObjectives = (objectives ?? []).Where(o => o.Metric == ServiceObjective.Rps).ToArray();
        foreach (var objective in rpsObjectives)
        {
            ObjectiveLine(plot, objective, objective.Limit);
        }

        Label(plot, "Throughput", LoadAxis(steps), "responses/s");
        plot.Axes.SetLimitsY(0, Math.Max(1, steps.Select(s => s.Rps).Concat(rpsObjectives.Select(o => o.Limit)).Max()) * 1.1);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>p50 (thin, open markers) and p99 (thick) in milliseconds, log scale, against users or rate; latency objectives as lines.</summary>
    public static Plot Latency(IReadOnlyList<LoadStepSummary> steps, IReadOnlyList<ServiceObjective>? objectives = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var plot = new Plot();
        foreach (var (series, points, colour) in SeriesByLoad(steps))
        {
            double[] x = [.. points.Select(p => p.Load)];
            var p99 = plot.Add.Scatter(x, points.Select(p => Log10Ms(p.P99Us)).ToArray(), colour);
            p99.LegendText = series + " p99";
            p99.LineWidth = 2;
            var p50 = plot.Add.Scatter(x, points.Select(p => Log10Ms(p.P50Us)).ToArray(), colour);
            p50.LegendText = series + " p50";
            p50.LineWidth = 1; // thin with open markers, not dashed: SkiaSharp's SVG export has no dash effect
            p50.MarkerShape = MarkerShape.OpenCircle;
        }

        foreach (var objective in (objectives ?? []).Where(o => o.IsLatency))
        {
            ObjectiveLine(plot, objective, Log10Ms(objective.LimitMicroseconds));
        }

        return LatencyPlot(plot, "Latency (p50 thin, p99 thick)", LoadAxis(steps));
    }

    /// <summary>
    /// The steps of each series in the order of their load (users or rate), with the series' colour: what the
    /// throughput and latency charts draw as one line each.
    /// </summary>
    private static IEnumerable<(string Series, LoadStepSummary[] Points, Color Colour)> SeriesByLoad(IReadOnlyList<LoadStepSummary> steps)
    {
        var colours = SeriesColours(steps.Select(s => s.Series));
        return steps.GroupBy(s => s.Series).Select(series => (series.Key, series.OrderBy(s => s.Load).ToArray(), colours(series.Key)));
    }

    /// <summary>
    /// An objective across the whole chart, black and named in the legend (<c>objective: p99 &lt; 250 ms</c>): a series
    /// meets it where its line of the same percentile stays on the right side. Solid, as SVG export draws no dashes.
    /// </summary>
    private static void ObjectiveLine(Plot plot, ServiceObjective objective, double y)
    {
        var line = plot.Add.HorizontalLine(y, 1.5f, Colors.Black);
        line.LegendText = "objective: " + objective.Description;
    }

    /// <summary>
    /// Latency against percentile, HdrHistogram's way: the x axis is log10(1/(1−p)), so 90, 99, 99.9 and 99.99 are
    /// equally spaced and the tail is as visible as the median.
    /// </summary>
    public static Plot PercentileDistribution(IReadOnlyList<PercentileCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        var colours = SeriesColours(curves.Select(c => c.Label));
        foreach (var curve in curves)
        {
            var points = curve.Points.Where(p => p.Percentile < 100).ToArray();
            var line = plot.Add.Scatter(
                points.Select(p => Math.Log10(100 / (100 - p.Percentile))).ToArray(),
                points.Select(p => Log10Ms(p.Microseconds)).ToArray(),
                colours(curve.Label));
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
        var colours = SeriesColours(best.Select(s => s.Series));
        var ticks = new Tick[best.Length];
        for (int i = 0; i < best.Length; i++)
        {
            var bar = plot.Add.Bar(i, best[i].Rps);
            bar.Color = colours(best[i].Series);
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

    /// <summary>
    /// A colour for each of <paramref name="series"/>, none shared while the palette lasts: each takes the colour its
    /// name hashes to, or the next free one when an earlier name (in sorted order) holds it. The assignment depends
    /// only on the set of series, so every chart of one run or page gives a series the same colour. A label is
    /// matched by its first word (the series; a percentile curve's label adds the step after a space).
    /// </summary>
    public static Func<string, Color> SeriesColours(IEnumerable<string> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var palette = new ScottPlot.Palettes.Category10();
        int size = palette.Colors.Length;
        var taken = new bool[size];
        var colours = new Dictionary<string, Color>(StringComparer.Ordinal);
        foreach (string name in series.Select(SeriesOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            int slot = (int)(Fnv1a(name) % (uint)size);
            for (int probe = 0; probe < size && taken[slot]; probe++)
            {
                slot = (slot + 1) % size;
            }

            taken[slot] = true;
            colours[name] = palette.GetColor(slot);
        }

        return label => colours[SeriesOf(label)];
    }

    private static string SeriesOf(string label) => label.Split(' ')[0];

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
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

    /// <summary>Latency charts share a log-millisecond y axis and a legend in the lower right.</summary>
    private static Plot LatencyPlot(Plot plot, string title, string xLabel)
    {
        UseLogMillisecondsAxis(plot);
        Label(plot, title, xLabel, "latency (ms, log scale)");
        // Latency rises to the right (with load or percentile), so the lower right is where no line runs.
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static void Label(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }
}
