using System.Globalization;
using System.Text;
using ScottPlot;
using ServingBench.Reports.Charts;
using ServingBench.Reports.Load;
using ServingBench.Reports.Runs;

namespace ServingBench.Reports.Composition;

/// <summary>Raised when the chosen runs cannot share a table (different machines or jobs); the message says which and why.</summary>
public sealed class ReportRefusedException(string message) : Exception(message);

/// <summary>The composed page, its headline table (also written into the repository README) and the chart files.</summary>
public sealed record ReportPage(string Markdown, string Headline, IReadOnlyList<string> ChartFiles);

/// <summary>
/// Composes runs into one results page: serialization per payload (JSON vs typed protobuf vs raw, client and server
/// side), round trips per framework (REST vs gRPC, canned and model backends, next to the in-process floors), the
/// in-process rows, and load curves. Rows read from the runs' reports; no figure is typed by hand.
/// </summary>
public static class ReportComposer
{
    public const string SerializationClass = "SerializationBenchmarks";
    public const string RoundTripClass = "RoundTripBenchmarks";
    public const string InProcessClass = "InProcessBenchmarks";

    /// <summary>The directions in reading order: what the client does, then what the server does.</summary>
    private static readonly (string Method, string Label)[] Directions =
    [
        ("EncodeRequest", "client encode"),
        ("DecodeResponse", "client decode"),
        ("DecodeRequest", "server decode"),
        ("EncodeResponse", "server encode"),
    ];

    /// <summary>The payload the headline is about: the tensor every framework accepts.</summary>
    private const string HeadlinePayload = "resnet50-tensor";

    /// <summary>
    /// Composes <paramref name="runs"/> (oldest first; a later run's row replaces an earlier run's row of the same
    /// case) and writes the charts to <paramref name="outputDirectory"/>/charts/, linked from the page as charts/….
    /// </summary>
    /// <exception cref="ReportRefusedException">Rows of one table would come from different machines or jobs.</exception>
    public static ReportPage Compose(IReadOnlyList<RunResults> runs, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var ordered = runs.OrderBy(r => r.Folder.Id, StringComparer.Ordinal).ToList();
        var rows = ordered.SelectMany(r => r.Rows).GroupBy(r => r.Key).Select(g => g.Last()).ToList();
        var manifests = ordered.ToDictionary(r => r.Folder.Id, r => r.Manifest);
        var palette = new SeriesPalette(rows.Select(SeriesName).Concat(ordered.SelectMany(r => r.LoadSteps).Select(s => s.Scenario)));
        var charts = new List<string>();
        string chartsDirectory = Path.Combine(outputDirectory, "charts");

        var serialization = Comparable("serialization", rows.Where(r => r.Class == SerializationClass).ToList(), manifests);
        var inProcess = rows.Where(r => r.Class == InProcessClass).ToList();
        var roundTrips = Comparable("round trips and in-process floors", rows.Where(r => r.Class == RoundTripClass).Concat(inProcess).ToList(), manifests)
            .Where(r => r.Class == RoundTripClass).ToList();
        var loadRuns = ordered.Where(r => r.LoadSteps.Count > 0).ToList();
        EnsureComparable("load curves", loadRuns.Select(r => r.Folder.Id), manifests);

        string headline = Headline(serialization, roundTrips, inProcess, manifests);
        var page = new StringBuilder();
        page.AppendLine("## Runs").AppendLine();
        AppendRuns(page, ordered);
        int noisy = rows.Count(r => r.IsNoisy);
        page.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Times are means; a row whose error (half the 99.9 % confidence interval) exceeds {BenchmarkRow.NoisyRelativeError:0 %} of its mean is named in the **Noisy** column ({noisy} of {rows.Count} rows here).").AppendLine();
        page.AppendLine("## Headline").AppendLine().Append(headline).AppendLine();

        if (serialization.Count > 0)
        {
            page.AppendLine("## Serialization: JSON vs typed protobuf vs raw").AppendLine();
            page.AppendLine("Per payload and encoding: bytes on the wire, then the time and allocations of each direction. The client encodes the request and decodes the response; the server decodes the request and encodes the response. `memcpy` is the floor, `naive-json` the peer to beat.").AppendLine();
            foreach (var payload in serialization.GroupBy(r => CasePart(r, 0)))
            {
                AppendSerialization(page, payload.Key, [.. payload]);
                charts.AddRange(Save(SerializationChart(payload.Key, [.. payload], palette), chartsDirectory, $"serialization-{payload.Key}", page));
            }

            charts.AddRange(Save(WireBytesChart(serialization, palette, request: true), chartsDirectory, "wire-bytes-request", page));
            charts.AddRange(Save(WireBytesChart(serialization, palette, request: false), chartsDirectory, "wire-bytes-response", page));
        }

        if (roundTrips.Count > 0)
        {
            page.AppendLine("## Round trips: REST vs gRPC per framework").AppendLine();
            page.AppendLine("`Infer` is one whole round trip, `Echo` the same bytes bounced over the same transport. With a model backend, `in-process` is the same model run with no protocol (ONNX Runtime, CPU) and `protocol share` is the part of the round trip that is not the model. `(onnx − in-process) ÷ canned` checks the decomposition: what the model round trip adds to the model alone, over the canned round trip of the same cell (1.00 when protocol and model costs simply add up; far above 1 when client, server and engine slow each other down on shared cores). It carries the three rows' 99.9 % errors: *holds* within 0.80–1.20, *fails* wholly outside, *unresolved* when the error is too large to tell (a model row's few-millisecond error can be several canned round trips). `engine in server` and `(onnx − engine) ÷ canned` are the paired check: the server times its engine during each of the onnx row's own calls, so each round trip minus its own engine time is the protocol's part of that very call, free of the model's variation and of drift between processes (docs/end-to-end.md, \"The paired check\").").AppendLine();
            foreach (var framework in roundTrips.GroupBy(r => CasePart(r, 0).Split('-')[0]))
            {
                AppendRoundTrips(page, framework.Key, [.. framework], [.. roundTrips.Where(r => r.Method == "InProcess"), .. inProcess]);
            }

            foreach (var chart in roundTrips.Where(r => r.Method == "Infer").GroupBy(r => (Backend: BackendOf(r), Payload: CasePart(r, 1))))
            {
                charts.AddRange(Save(RoundTripChart(chart.Key.Backend, chart.Key.Payload, [.. chart], palette), chartsDirectory, $"round-trip-{chart.Key.Backend}-{chart.Key.Payload}", page));
            }
        }

        if (inProcess.Count > 0)
        {
            page.AppendLine("## In process: the model with no protocol").AppendLine();
            page.AppendLine("`× floor` is the mean over the shortest time this host's measured ceiling allows (target ≤ 2); `× onnxruntime` the mean over ONNX Runtime's on the same device and model.").AppendLine();
            page.AppendLine("| case | mean | error | × floor | × onnxruntime | allocated | noisy |").AppendLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var row in inProcess)
            {
                page.AppendLine(CultureInfo.InvariantCulture, $"| {row.Case} | {Figures.Time(row.MeanNs)} | {Figures.Percent(row.RelativeError)} | {row.Column("× floor")} | {row.Column("× onnxruntime")} | {Figures.Allocated(row.AllocatedBytes)} | {Noisy(row)} |");
            }

            page.AppendLine();
        }

        if (loadRuns.Count > 0)
        {
            AppendLoad(page, loadRuns);
            var steps = loadRuns.SelectMany(r => r.LoadSteps).Where(s => s.Mode == LoadStepSummary.Closed && s.Users is not null).ToList();
            if (steps.Count > 0)
            {
                // The load verb's own charts, so a run folder and the published page draw the same picture.
                charts.AddRange(Save(LoadCharts.Throughput(steps), chartsDirectory, "load-rps", page));
                charts.AddRange(Save(LoadCharts.Latency(steps), chartsDirectory, "load-p99", page));
            }
        }

        return new ReportPage(page.ToString(), headline, charts);
    }

    /// <summary>Returns <paramref name="rows"/> when every run they come from shares one machine and job.</summary>
    private static List<BenchmarkRow> Comparable(string table, List<BenchmarkRow> rows, Dictionary<string, RunManifest> manifests)
    {
        EnsureComparable(table, rows.Select(r => r.RunId), manifests);
        return rows;
    }

    private static void EnsureComparable(string table, IEnumerable<string> runIds, Dictionary<string, RunManifest> manifests)
    {
        var ids = runIds.Distinct().ToList();
        foreach (string other in ids.Skip(1))
        {
            if (!manifests[ids[0]].ComparableWith(manifests[other], out string reason))
            {
                throw new ReportRefusedException($"refusing to put rows of runs {ids[0]} and {other} into one table ({table}): {reason}");
            }
        }
    }

    private static void AppendRuns(StringBuilder page, IReadOnlyList<RunResults> runs)
    {
        page.AppendLine("| run | kind | status | commit | machine | job | host ceiling |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var m in runs.Select(r => r.Manifest))
        {
            string commit = m.Git.Commit is { } c ? c[..Math.Min(12, c.Length)] + (m.Git.Dirty ? " (dirty)" : string.Empty) : "unknown";
            string status = m.Status == RunStatus.Complete ? "complete" : $"**{m.Status.ToString().ToLowerInvariant()}**: {m.StatusReason}";
            string ceiling = m.HostCeiling is { } h ? string.Create(CultureInfo.InvariantCulture, $"{h.Gflops:0} GFLOP/s, {h.GigabytesPerSecond:0.0} GB/s") : "—";
            page.AppendLine(CultureInfo.InvariantCulture, $"| `{m.Id}` | {m.Kind} | {status} | `{commit}` | {m.Machine.Fingerprint} | {m.Job} | {ceiling} |");
        }
    }

    private static void AppendSerialization(StringBuilder page, string payload, List<BenchmarkRow> rows)
    {
        var directions = Directions.Where(d => rows.Any(r => r.Method == d.Method)).ToList();
        page.AppendLine(CultureInfo.InvariantCulture, $"### {payload}").AppendLine();
        page.Append("| encoding | request B | response B |");
        foreach (var (method, label) in directions)
        {
            page.Append(CultureInfo.InvariantCulture, $" {label} ({method}) |");
        }

        page.AppendLine(" allocated (same order) | noisy |");
        page.Append("|---|---:|---:|").Append(string.Concat(Enumerable.Repeat("---:|", directions.Count))).AppendLine("---:|---|");
        foreach (var encoding in rows.GroupBy(r => CasePart(r, 1)))
        {
            var byMethod = encoding.ToDictionary(r => r.Method);
            var any = encoding.First();
            page.Append(CultureInfo.InvariantCulture, $"| {encoding.Key} | {Figures.Bytes(any.RequestBytes)} | {Figures.Bytes(any.ResponseBytes)} |");
            foreach (var (method, _) in directions)
            {
                page.Append(' ').Append(Figures.Time(byMethod.GetValueOrDefault(method)?.MeanNs)).Append(" |");
            }

            page.Append(' ').Append(string.Join(" / ", directions.Select(d => Figures.Allocated(byMethod.GetValueOrDefault(d.Method)?.AllocatedBytes)))).Append(" |");
            page.Append(' ').Append(string.Join(", ", encoding.Where(r => r.IsNoisy).Select(r => $"{r.Method} ±{Figures.Percent(r.RelativeError)}"))).AppendLine(" |");
        }

        page.AppendLine();
    }

    private static void AppendRoundTrips(StringBuilder page, string framework, List<BenchmarkRow> rows, List<BenchmarkRow> floors)
    {
        page.AppendLine(CultureInfo.InvariantCulture, $"### {framework}").AppendLine();
        page.AppendLine("| scenario | backend | payload | Infer | Echo | × echo | in-process | protocol share | (onnx − in-process) ÷ canned | engine in server | (onnx − engine) ÷ canned | noisy |");
        page.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var groups = rows.GroupBy(r => (Scenario: CasePart(r, 0), Backend: BackendOf(r), Payload: CasePart(r, 1))).ToList();
        foreach (var group in groups)
        {
            var infer = group.FirstOrDefault(r => r.Method == "Infer");
            var echo = group.FirstOrDefault(r => r.Method == "Echo");
            var model = group.Key.Backend == "canned" ? null : InProcessFloor(floors, group.Key.Payload);
            double? share = infer?.MeanNs is { } i && model?.MeanNs is { } m ? (i - m) / i : null;
            double? timesEcho = infer?.MeanNs is { } a && echo?.MeanNs is { } b ? a / b : null;

            // The decomposition check: what the model round trip adds to the model should be the canned round trip.
            var canned = groups.FirstOrDefault(g => g.Key == (group.Key.Scenario, "canned", group.Key.Payload))?.FirstOrDefault(r => r.Method == "Infer");
            var check = model is null ? null
                : DecompositionCheck.Of(infer?.MeanNs, infer?.ErrorNs, model.MeanNs, model.ErrorNs, canned?.MeanNs, canned?.ErrorNs);
            page.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Scenario} | {group.Key.Backend} | {group.Key.Payload} | {Figures.Time(infer?.MeanNs)} | {Figures.Time(echo?.MeanNs)} | {Figures.Ratio(timesEcho)} | {Figures.Time(model?.MeanNs)} | {Figures.Percent(share)} | {check?.ToString() ?? "—"} | {infer?.Column(PairedEngineColumn) ?? "—"} | {infer?.Column(PairedCheckColumn) ?? "—"} | {string.Join(", ", group.Where(r => r.IsNoisy).Select(r => $"{r.Method} ±{Figures.Percent(r.RelativeError)}"))} |");
        }

        page.AppendLine();
    }

    /// <summary>The paired check's columns in the RoundTrip CSV (the benchmark process's own split of each call; no rows to recompute it from).</summary>
    private const string PairedEngineColumn = "Engine in server";

    private const string PairedCheckColumn = "(onnx − engine) ÷ canned";

    /// <summary>The ONNX Runtime CPU in-process row of the payload's model (<c>resnet50-jpeg</c> → <c>onnxruntime-cpu-resnet50</c>).</summary>
    /// <remarks>
    /// The RoundTrip class's own <c>InProcess</c> row (the same backend called without a protocol, file payloads
    /// preprocessed as the server does) where the run has it; else the InProcess class's row of the payload's model.
    /// </remarks>
    private static BenchmarkRow? InProcessFloor(List<BenchmarkRow> floors, string payload) =>
        floors.FirstOrDefault(r => r.Method == "InProcess" && CasePart(r, 1) == payload)
        ?? floors.FirstOrDefault(r => r.Case == "onnxruntime-cpu-" + payload.Split('-')[0]);

    private static void AppendLoad(StringBuilder page, List<RunResults> loadRuns)
    {
        page.AppendLine("## Load").AppendLine();
        page.AppendLine("| run | scenario | payload | backend | mode | users | rate /s | requests/s | p50 | p99 | failures | stable |");
        page.AppendLine("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var run in loadRuns)
        {
            foreach (var s in run.LoadSteps)
            {
                long failures = s.Failures.Values.Sum() + s.Timeouts;
                page.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{run.Folder.Id}` | {s.Scenario} | {s.Payload} | {s.Backend} | {s.Mode} | {s.Users?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {s.Rate?.ToString("0.#", CultureInfo.InvariantCulture) ?? "—"} | {s.Rps:0.#} | {Figures.Time(s.P50Us * 1e3)} | {Figures.Time(s.P99Us * 1e3)} | {failures} | {(s.Stable ? "yes" : "**no**")} |");
            }
        }

        page.AppendLine();
    }

    private static string Headline(List<BenchmarkRow> serialization, List<BenchmarkRow> roundTrips, List<BenchmarkRow> inProcess, Dictionary<string, RunManifest> manifests)
    {
        var text = new StringBuilder();
        text.AppendLine("| what | figure |").AppendLine("|---|---|");
        var tensor = serialization.Where(r => CasePart(r, 0) == HeadlinePayload).ToList();
        BenchmarkRow? Memcpy(string method) => tensor.FirstOrDefault(r => r.Method == method && CasePart(r, 1) == "memcpy");
        if (Memcpy("EncodeRequest") is { MeanNs: { } copy } memcpy)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| memcpy of the {HeadlinePayload} ({Figures.Bytes(memcpy.RequestBytes)} bytes) | {Figures.Time(copy)} |");
            foreach (var (family, select) in EncodingFamilies)
            {
                var encode = tensor.Where(r => r.Method == "EncodeRequest" && select(CasePart(r, 1))).ToList();
                var decode = tensor.Where(r => r.Method == "DecodeRequest" && select(CasePart(r, 1))).ToList();
                if (encode.Count == 0)
                {
                    continue;
                }

                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {family}: EncodeRequest / DecodeRequest | {TimeRange(encode)} ({RatioRange(encode.Select(r => r.MeanNs / copy))} memcpy) / {TimeRange(decode)} |");
                if (family != "raw binary")
                {
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"| {family}: request / response on the wire | {RatioRange(encode.Select(r => r.RequestBytes / (double?)memcpy.RequestBytes))} / {RatioRange(encode.Select(r => r.ResponseBytes / (double?)memcpy.ResponseBytes))} raw |");
                }
            }
        }

        foreach (var backend in roundTrips.Where(r => r.Method == "Infer" && CasePart(r, 1) == HeadlinePayload && r.MeanNs is not null).GroupBy(BackendOf))
        {
            var fastest = backend.MinBy(r => r.MeanNs)!;
            var slowest = backend.MaxBy(r => r.MeanNs)!;
            text.AppendLine(fastest == slowest
                ? $"| round trip over loopback, {backend.Key} backend, {HeadlinePayload} | {CasePart(fastest, 0)} {Figures.Time(fastest.MeanNs)} |"
                : $"| round trip over loopback, {backend.Key} backend, {HeadlinePayload}: fastest / slowest | {CasePart(fastest, 0)} {Figures.Time(fastest.MeanNs)} / {CasePart(slowest, 0)} {Figures.Time(slowest.MeanNs)} |");
        }

        foreach (var row in inProcess.Where(r => r.Case.Contains("-cpu-", StringComparison.Ordinal) && r.MeanNs is not null))
        {
            var ratios = new[] { ("× floor", "× this host's floor"), ("× onnxruntime", "× ONNX Runtime") }
                .Where(c => row.Column(c.Item1) != "—").Select(c => row.Column(c.Item1) + c.Item2).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| in process, {row.Case} | {Figures.Time(row.MeanNs)}{(ratios.Count > 0 ? $" ({string.Join(", ", ratios)})" : string.Empty)} |");
        }

        var sources = serialization.Concat(roundTrips).Concat(inProcess).Select(r => r.RunId).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine().Append("From ").Append(sources.Count == 0 ? "no run" : string.Join(", ", sources.Select(id => $"`{id}` ({Source(manifests[id])})"))).AppendLine(".");
        return text.ToString();
    }

    /// <summary>The control rows: the physical floor and the two peers built from stock libraries.</summary>
    private static readonly string[] Controls = ["memcpy", "naive-json", "google-protobuf"];

    /// <summary>Encodings grouped the way the headline reads them; each control stands alone.</summary>
    private static readonly (string Family, Func<string, bool> Select)[] EncodingFamilies =
    [
        ("raw binary", e => !Controls.Contains(e) && !e.Contains("json", StringComparison.Ordinal) && !e.Contains("typed", StringComparison.Ordinal)),
        ("typed protobuf", e => e.Contains("typed", StringComparison.Ordinal)),
        ("our JSON", e => e != "naive-json" && e.Contains("json", StringComparison.Ordinal)),
        ("naive JSON (System.Text.Json)", e => e == "naive-json"),
        ("Google.Protobuf generated classes", e => e == "google-protobuf"),
    ];

    private static string Source(RunManifest m) =>
        $"commit {m.Git.Commit?[..Math.Min(12, m.Git.Commit.Length)] ?? "unknown"}{(m.Git.Dirty ? " dirty" : string.Empty)}, {m.Machine.CpuModel} family {m.Machine.CpuFamily?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {m.Machine.LogicalCores} cores, job {m.Job}";

    private static string TimeRange(List<BenchmarkRow> rows)
    {
        var means = rows.Where(r => r.MeanNs is not null).Select(r => r.MeanNs!.Value).ToList();
        return means.Count == 0 ? "—" : means.Min() == means.Max() ? Figures.Time(means.Min()) : $"{Figures.Time(means.Min())}–{Figures.Time(means.Max())}";
    }

    private static string RatioRange(IEnumerable<double?> ratios)
    {
        var values = ratios.Where(r => r is not null).Select(r => r!.Value).ToList();
        return values.Count == 0 ? "—" : values.Min() == values.Max() ? Figures.Ratio(values.Min()) : $"{Figures.Ratio(values.Min())}–{Figures.Ratio(values.Max())}";
    }

    private static Plot SerializationChart(string payload, List<BenchmarkRow> rows, SeriesPalette palette) => GroupedBarChart.Create(
        $"{payload}: time per direction and encoding",
        "mean time",
        [.. Directions.Where(d => rows.Any(r => r.Method == d.Method)).Select(d => (d.Label, Bars(rows.Where(r => r.Method == d.Method), r => r.MeanNs)))],
        palette,
        v => Figures.Time(v),
        logScale: true);

    private static Plot WireBytesChart(List<BenchmarkRow> rows, SeriesPalette palette, bool request) => GroupedBarChart.Create(
        request ? "Request bytes on the wire per encoding" : "Response bytes on the wire per encoding",
        "bytes",
        [.. rows.Where(r => r.Method == "EncodeRequest").GroupBy(r => CasePart(r, 0))
            .Select(g => (g.Key, Bars(g.Where(r => CasePart(r, 1) != "naive-json"), r => request ? r.RequestBytes : r.ResponseBytes)))],
        palette,
        Figures.AxisBytes,
        logScale: true);

    private static Plot RoundTripChart(string backend, string payload, List<BenchmarkRow> rows, SeriesPalette palette) => GroupedBarChart.Create(
        $"Round trip, {payload}, {backend} backend: REST vs gRPC per framework",
        "mean time",
        [.. rows.GroupBy(r => CasePart(r, 0).Split('-')[0]).Select(g => (g.Key, Bars(g, r => r.MeanNs)))],
        palette,
        v => Figures.Time(v),
        logScale: true);

    private static IReadOnlyList<(string Series, double Value)> Bars<T>(IEnumerable<BenchmarkRow> rows, Func<BenchmarkRow, T?> value)
        where T : struct, IConvertible =>
        [.. rows.Where(r => value(r) is not null).Select(r => (SeriesName(r), value(r)!.Value.ToDouble(CultureInfo.InvariantCulture)))];

    private static IEnumerable<string> Save(Plot plot, string directory, string name, StringBuilder page)
    {
        var (png, svg) = ChartFile.Save(plot, Path.Combine(directory, name), 1000, 560);
        page.AppendLine(CultureInfo.InvariantCulture, $"![{name}](charts/{name}.png)").AppendLine();
        return [png, svg];
    }

    /// <summary>A row's colour key: the encoding for serialization rows, the scenario for round trips.</summary>
    private static string SeriesName(BenchmarkRow row) => row.Class switch
    {
        SerializationClass => CasePart(row, 1),
        RoundTripClass => CasePart(row, 0),
        _ => row.Case,
    };

    /// <summary>The backend: a parameter of older runs, the case's third part (<c>scenario/payload/backend</c>) since.</summary>
    private static string BackendOf(BenchmarkRow row) =>
        row.Parameter("Backend") ?? (row.Case.Split('/') is { Length: > 2 } parts ? parts[2] : "canned");

    /// <summary>Part <paramref name="index"/> of the <c>a/b</c> case name (payload/encoding or scenario/payload).</summary>
    private static string CasePart(BenchmarkRow row, int index)
    {
        string[] parts = row.Case.Split('/');
        return index < parts.Length ? parts[index] : row.Case;
    }

    private static string Noisy(BenchmarkRow row) => row.IsNoisy ? $"±{Figures.Percent(row.RelativeError)}" : string.Empty;
}
