using ScottPlot;

namespace ServingBench.Reports.Comparison;

/// <summary>
/// New ÷ base for every row of a comparison, sorted, on a log scale (so 0.5× and 2× sit equally far from 1), one
/// colour per verdict, with the threshold each side of 1: the rows outside the band and called are what changed.
/// </summary>
public static class RatioChart
{
    /// <summary>Verdicts in the order and colours the legend shows them.</summary>
    private static readonly (Verdict Verdict, string Label, Color Colour)[] Styles =
    [
        (Verdict.Slower, "slower", Colors.FireBrick),
        (Verdict.Faster, "faster", Colors.SeaGreen),
        (Verdict.Same, "same", Colors.Gray),
        (Verdict.Unresolved, "unresolved", Colors.Orange),
    ];

    /// <summary>Round ratios, wide apart near 1 and on the way out, for the log axis (0.5×, 0.8×, 1×, 1.25×, 2× …).</summary>
    private static readonly double[] RoundRatios = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 4, 5, 10, 20, 50, 100];

    /// <param name="points">Each row's ratio and verdict; rows without a ratio are left out.</param>
    /// <param name="threshold">The relative change a row had to clear (0.05 draws lines at 1.05× and 1/1.05×).</param>
    public static Plot Create(string title, IReadOnlyList<(double Ratio, Verdict Verdict)> points, double threshold)
    {
        ArgumentNullException.ThrowIfNull(points);
        var plot = new Plot();
        var sorted = points.Where(p => p.Ratio > 0 && double.IsFinite(p.Ratio)).OrderBy(p => p.Ratio).ToArray();
        foreach (var (verdict, label, colour) in Styles)
        {
            double[] x = [.. sorted.Select((p, i) => (p, i)).Where(t => t.p.Verdict == verdict).Select(t => (double)t.i)];
            if (x.Length == 0)
            {
                continue;
            }

            double[] y = [.. sorted.Where(p => p.Verdict == verdict).Select(p => Math.Log10(p.Ratio))];
            var scatter = plot.Add.ScatterPoints(x, y, colour);
            scatter.MarkerSize = 7;
            scatter.LegendText = label;
        }

        foreach (double bound in new[] { 1 + threshold, 1 / (1 + threshold) })
        {
            var line = plot.Add.HorizontalLine(Math.Log10(bound), 1, Colors.Black);
            line.LinePattern = LinePattern.Dotted;
        }

        plot.Add.HorizontalLine(0, 1, Colors.Black.WithAlpha(0.4));
        plot.Axes.Left.TickGenerator = RatioTicks(sorted.Select(p => p.Ratio).Append(1 + threshold).Append(1 / (1 + threshold)));
        plot.Title(title);
        plot.XLabel("rows, by ratio");
        plot.YLabel(FormattableString.Invariant($"new ÷ base (log scale; dotted: ±{threshold * 100:0.#} %)"));
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static ScottPlot.TickGenerators.NumericManual RatioTicks(IEnumerable<double> ratios)
    {
        double[] all = [.. ratios];
        double low = all.Min(), high = all.Max();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double ratio in RoundRatios.Where(r => r >= low / 1.3 && r <= high * 1.3))
        {
            ticks.AddMajor(Math.Log10(ratio), FormattableString.Invariant($"{ratio:0.##}×"));
        }

        return ticks;
    }
}
