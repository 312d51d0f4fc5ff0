using ScottPlot;
using ServingBench.Reports.Charts;
using ServingBench.Reports.Load;

namespace ServingBench.Reports.Composition;

/// <summary>
/// The page's charts: each is saved as PNG and SVG under <c>charts/</c> and linked where it is added, so the page and
/// its chart files stay in step. One colour per series (encoding or scenario) across every chart of the page.
/// </summary>
internal sealed class PageCharts(string directory, StringBuilder page, SeriesPalette palette)
{
    private readonly List<string> _files = [];

    public IReadOnlyList<string> Files => _files;

    public void Serialization(string payload, List<BenchmarkRow> rows) => Add($"serialization-{payload}", GroupedBarChart.Create(
        $"{payload}: time per direction and encoding",
        "mean time",
        [.. Tables.SerializationTable.Present(rows).Select(d => (d.Label, Bars(rows.Where(r => r.Method == d.Method), r => r.MeanNs)))],
        palette,
        v => Figures.Time(v),
        logScale: true));

    public void WireBytes(List<BenchmarkRow> rows, bool request) => Add(request ? "wire-bytes-request" : "wire-bytes-response", GroupedBarChart.Create(
        request ? "Request bytes on the wire per encoding" : "Response bytes on the wire per encoding",
        "bytes",
        [.. rows.Where(r => r.Method == SuiteMethods.EncodeRequest).GroupBy(r => CaseNames.Part(r, 0))
            .Select(g => (g.Key, Bars(g.Where(r => CaseNames.Part(r, 1) != "naive-json"), r => request ? r.RequestBytes : r.ResponseBytes)))],
        palette,
        Figures.AxisBytes,
        logScale: true));

    /// <summary>
    /// Canned round trips side by side per framework on a log axis (they span 0.4 to 30 ms). Model and server round
    /// trips are one stacked bar per scenario on a linear axis instead: engine, server queue and codec, network +
    /// protocol + client, so the few percent that is not the model can be seen.
    /// </summary>
    public void RoundTrip(string backend, string payload, List<BenchmarkRow> rows) => Add($"round-trip-{backend}-{payload}", backend == "canned"
        ? GroupedBarChart.Create(
            $"Round trip, {payload}, {backend} backend: REST vs gRPC per framework",
            "mean time",
            [.. rows.GroupBy(CaseNames.Framework).Select(g => (g.Key, Bars(g, r => r.MeanNs)))],
            palette,
            v => Figures.Time(v),
            logScale: true)
        : StackedTimeChart.Create(
            $"Round trip, {payload}, {backend} backend: where the time goes",
            "mean time (ms)",
            [.. rows.Select(r => (Label: CaseNames.Part(r, 0), Parts: TimeSplit(r))).Where(b => b.Parts is not null).Select(b => (b.Label, b.Parts!))],
            v => v.ToString("0.#", CultureInfo.InvariantCulture)));

    /// <summary>
    /// A round trip's parts in ms: the engine time the server published for the row's own calls, the rest of the
    /// server's time (queue and codec) where the run read the server's request time, and what the client saw beyond it.
    /// </summary>
    private static IReadOnlyDictionary<TimePart, double>? TimeSplit(BenchmarkRow row)
    {
        double? engine = Figures.LeadingMilliseconds(row.Column(SuiteColumns.EngineInServer));
        double? server = Figures.LeadingMilliseconds(row.Column(SuiteColumns.ServerTime)) ?? engine;
        return row.MeanNs is { } mean ? StackedTimeChart.Split(mean / 1e6, server / 1e6, null, engine / 1e6) : null;
    }

    /// <summary>The load verb's own charts, so a run folder and the published page draw the same picture.</summary>
    public void Load(List<LoadStepSummary> closedSteps)
    {
        Add("load-rps", LoadCharts.Throughput(closedSteps));
        Add("load-p99", LoadCharts.Latency(closedSteps));
    }

    private void Add(string name, Plot plot)
    {
        var (png, svg) = ChartFile.Save(plot, Path.Combine(directory, name), 1000, 560);
        page.AppendLine(CultureInfo.InvariantCulture, $"![{name}](charts/{name}.png)").AppendLine();
        _files.Add(png);
        _files.Add(svg);
    }

    private static IReadOnlyList<(string Series, double Value)> Bars<T>(IEnumerable<BenchmarkRow> rows, Func<BenchmarkRow, T?> value)
        where T : struct, IConvertible =>
        [.. rows.Where(r => value(r) is not null).Select(r => (CaseNames.Series(r), value(r)!.Value.ToDouble(CultureInfo.InvariantCulture)))];
}
