using ScottPlot;
using ScottPlot.TickGenerators;

namespace ServingBench.Reports.Charts;

/// <summary>
/// Bars in labelled groups (one group per payload, method or framework; one bar per encoding or scenario inside it),
/// optionally on a log scale: values here span orders of magnitude (a raw copy in microseconds, JSON in milliseconds).
/// </summary>
public static class GroupedBarChart
{
    /// <param name="groups">Each group's label and its bars (series name, value); a series keeps its colour everywhere.</param>
    /// <param name="formatValue">How a value reads on the axis (<c>4.1 ms</c>, <c>602 KB</c>).</param>
    public static Plot Create(
        string title,
        string valueLabel,
        IReadOnlyList<(string Label, IReadOnlyList<(string Series, double Value)> Bars)> groups,
        SeriesPalette palette,
        Func<double, string> formatValue,
        bool logScale)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(palette);
        ArgumentNullException.ThrowIfNull(formatValue);
        var plot = new Plot();
        var values = groups.SelectMany(g => g.Bars).Select(b => b.Value).Where(v => v > 0).ToList();
        // Log bars grow from one decade below the smallest value, so the smallest still shows as a bar.
        double floor = logScale && values.Count > 0 ? Math.Floor(Math.Log10(values.Min())) - 1 : 0;
        var bars = new List<Bar>();
        var groupTicks = new NumericManual();
        double position = 0;
        foreach (var (label, groupBars) in groups)
        {
            double start = position;
            foreach (var (series, value) in groupBars.Where(b => b.Value > 0))
            {
                bars.Add(new Bar
                {
                    Position = position,
                    Value = logScale ? Math.Log10(value) : value,
                    ValueBase = floor,
                    FillColor = palette[series],
                    Size = 0.9,
                });
                position += 1;
            }

            groupTicks.AddMajor((start + position - 1) / 2, label);
            position += 1.5; // gap between groups
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = groupTicks;
        plot.Axes.Left.TickGenerator = logScale
            ? new NumericAutomatic { LabelFormatter = y => formatValue(Math.Pow(10, y)), MinorTickGenerator = new LogMinorTickGenerator(), IntegerTicksOnly = true }
            : new NumericAutomatic { LabelFormatter = formatValue };
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(logScale ? valueLabel + " (log scale)" : valueLabel);
        foreach (string series in groups.SelectMany(g => g.Bars).Select(b => b.Series).Distinct())
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series, FillColor = palette[series] });
        }

        plot.ShowLegend(Edge.Right); // beside the plot: tall bars would hide under a legend inside it
        return plot;
    }
}

/// <summary>The same colour for the same encoding or scenario in every chart of a page: colours are handed out in
/// name order over every series the page shows, before any chart is drawn.</summary>
public sealed class SeriesPalette
{
    private readonly Dictionary<string, Color> _colours = new(StringComparer.Ordinal);
    private readonly IPalette _palette = new ScottPlot.Palettes.Category20();

    public SeriesPalette(IEnumerable<string> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        foreach (string name in series.Distinct().Order(StringComparer.Ordinal))
        {
            _colours[name] = _palette.GetColor(_colours.Count);
        }
    }

    /// <summary>A series the page did not announce gets the next colour rather than failing the chart.</summary>
    public Color this[string series] => _colours.TryGetValue(series, out var colour)
        ? colour
        : _colours[series] = _palette.GetColor(_colours.Count);
}
