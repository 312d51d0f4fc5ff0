using ScottPlot;
using ScottPlot.TickGenerators;

namespace ServingBench.Reports.Charts;

/// <summary>The parts a request's time splits into, from the server's own statistics; each keeps one colour in every chart.</summary>
public enum TimePart
{
    /// <summary>The model: Triton compute_infer, TorchServe inference minus queue latency, TF Serving runtime latency.</summary>
    Engine,

    /// <summary>Waiting in the server for a model instance or worker.</summary>
    ServerQueue,

    /// <summary>The server's time outside queue and engine: request decode, answer encode, its own overhead.</summary>
    ServerCodec,

    /// <summary>What the client saw beyond the server's request time: the network, the protocol stacks and the client's codec.</summary>
    NetworkProtocolClient,
}

/// <summary>
/// One stacked bar per scenario or load step, on a linear axis: engine, server queue, server codec, network +
/// protocol + client from the bottom up. A linear axis because the question is the share of each part, which a log
/// axis hides (a 2 % protocol on a 220 ms bar).
/// </summary>
public static class StackedTimeChart
{
    private static readonly TimePart[] Order = [TimePart.Engine, TimePart.ServerQueue, TimePart.ServerCodec, TimePart.NetworkProtocolClient];

    /// <summary>The part's colour, the same in every chart of a run folder and of the page.</summary>
    public static Color Colour(TimePart part) => part switch
    {
        TimePart.Engine => Color.FromHex("#1f77b4"),
        TimePart.ServerQueue => Color.FromHex("#d62728"),
        TimePart.ServerCodec => Color.FromHex("#ff7f0e"),
        _ => Color.FromHex("#7f7f7f"),
    };

    public static string Label(TimePart part) => part switch
    {
        TimePart.Engine => "engine (compute)",
        TimePart.ServerQueue => "server queue",
        TimePart.ServerCodec => "server codec and rest",
        _ => "network + protocol + client",
    };

    /// <param name="bars">Each bar's label and its parts' values (a part left out or ≤ 0 draws nothing).</param>
    /// <param name="formatValue">How a value reads on the axis (<c>220 ms</c>).</param>
    public static Plot Create(string title, string valueLabel, IReadOnlyList<(string Label, IReadOnlyDictionary<TimePart, double> Parts)> bars, Func<double, string> formatValue)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(formatValue);
        var plot = new Plot();
        var ticks = new NumericManual();
        var shown = new HashSet<TimePart>();
        for (int i = 0; i < bars.Count; i++)
        {
            double bottom = 0;
            foreach (var part in Order)
            {
                if (!bars[i].Parts.TryGetValue(part, out double value) || !(value > 0))
                {
                    continue;
                }

                plot.Add.Bar(new Bar { Position = i, ValueBase = bottom, Value = bottom + value, FillColor = Colour(part), Size = 0.7 });
                bottom += value;
                shown.Add(part);
            }

            ticks.AddMajor(i, bars[i].Label.Replace('/', '\n'));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = formatValue };
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(valueLabel);
        foreach (var part in Order.Where(shown.Contains))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Label(part), FillColor = Colour(part) });
        }

        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The parts of a client latency <paramref name="latency"/> given the server's split of it (same unit); null when the server split is unknown.</summary>
    public static IReadOnlyDictionary<TimePart, double>? Split(double latency, double? serverRequest, double? queue, double? engine)
    {
        if (serverRequest is not { } request || engine is not { } model)
        {
            return null;
        }

        double waited = queue ?? 0;
        return new Dictionary<TimePart, double>
        {
            [TimePart.Engine] = model,
            [TimePart.ServerQueue] = waited,
            [TimePart.ServerCodec] = Math.Max(0, request - waited - model),
            [TimePart.NetworkProtocolClient] = Math.Max(0, latency - request),
        };
    }
}
