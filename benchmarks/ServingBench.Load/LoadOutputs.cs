using System.Globalization;
using System.Text;
using HdrHistogram;
using ServingBench.Reports.Charts;
using ServingBench.Reports.Load;

namespace ServingBench.Load;

/// <summary>A step as the outputs need it: its summary entry and its windows (for the interval log and the percentile chart).</summary>
public sealed record MeasuredStep(LoadStepSummary Summary, IReadOnlyList<(HistogramBase Latency, HistogramBase Service)> Windows, DateTimeOffset Start);

/// <summary>
/// Writes a run's <c>load/</c> folder: summary.json (the contract the report verb reads), summary.md (a table per
/// series), perf_analyzer.csv (its column names), one .hlog per step, and the charts (PNG + SVG).
/// </summary>
public static class LoadOutputs
{
    public const string SummaryJson = "summary.json";
    public const string SummaryMarkdown = "summary.md";
    public const string PerfAnalyzerCsv = "perf_analyzer.csv";

    /// <summary>perf_analyzer's CSV header after its first column (Concurrency or Request Rate); latencies in µs as it writes them.</summary>
    private const string PerfAnalyzerColumns =
        "Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,Server Compute Input,Server Compute Infer,Server Compute Output,Client Recv,p50 latency,p90 latency,p95 latency,p99 latency,Avg latency,request/response,response wait";

    /// <param name="objectives">The run's <c>--slo</c> objectives, judged per step into summary.json and summary.md and drawn on the charts.</param>
    /// <returns>The objectives' outcome per series; null without objectives.</returns>
    public static SloSummary? WriteAll(string folder, IReadOnlyList<MeasuredStep> steps, bool writeLogs = true, IReadOnlyList<ServiceObjective>? objectives = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Directory.CreateDirectory(folder);
        IReadOnlyList<LoadStepSummary> summaries = [.. steps.Select(s => s.Summary)];
        SloSummary? slo = null;
        if (objectives is { Count: > 0 })
        {
            (summaries, slo) = ObjectiveEvaluation.Apply(summaries, objectives);
        }

        File.WriteAllText(Path.Combine(folder, SummaryJson), new LoadSummary { Steps = summaries, Slo = slo }.ToJson());
        File.WriteAllText(Path.Combine(folder, SummaryMarkdown), Markdown(summaries, slo, objectives));
        File.WriteAllText(Path.Combine(folder, PerfAnalyzerCsv), Csv(summaries));
        if (writeLogs)
        {
            foreach (var step in steps)
            {
                IntervalLog.Write(Path.Combine(folder, StepLabels.FileStem(step.Summary) + IntervalLog.Extension), step.Start, step.Windows);
            }
        }

        LoadCharts.SaveAll(summaries, Curves(steps), folder, objectives);
        return slo;
    }

    /// <summary>Each series' latency distribution at its highest load (where the tail matters most).</summary>
    public static IReadOnlyList<LoadCharts.PercentileCurve> Curves(IReadOnlyList<MeasuredStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        double[] percentiles = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];
        return [.. steps.GroupBy(s => s.Summary.Series).Select(series =>
        {
            var top = series.MaxBy(s => s.Summary.Load)!;
            var latency = StepResult.Sum(top.Windows.Select(w => w.Latency));
            var points = latency.TotalCount == 0
                ? []
                : percentiles.Select(p => (p, (double)latency.GetValueAtPercentile(p))).ToArray();
            return new LoadCharts.PercentileCurve($"{series.Key} {top.Summary.LoadText}", points);
        })];
    }

    public static string Markdown(IReadOnlyList<LoadStepSummary> steps, SloSummary? slo = null, IReadOnlyList<ServiceObjective>? objectives = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var text = new StringBuilder();
        text.AppendLine("# Load test");
        text.AppendLine();
        text.AppendLine("Latency is measured from the scheduled send (open loop) or the send (closed loop), in milliseconds; ")
            .AppendLine("requests are successful answers; an unstable step (last three windows not within 10 % on requests/s and p99) is marked `no`.");
        if (slo is not null && objectives is not null)
        {
            text.AppendLine();
            text.AppendLine("## Objectives");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"`--slo {string.Join(",", slo.Objectives)}`: a step meets them when every one holds (failures count refusals and timeouts among all attempts).");
            text.AppendLine();
            foreach (string line in ObjectiveEvaluation.Describe(slo, objectives).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
            }
        }

        foreach (var series in steps.GroupBy(s => s.Series))
        {
            var first = series.First();
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {series.Key}");
            text.AppendLine();
            string client = first.Client is null ? string.Empty : $", client {first.Client}";
            string worker = first.Worker is null ? string.Empty : $", worker {first.Worker}";
            text.AppendLine(CultureInfo.InvariantCulture, $"target: {first.Target}{client}{worker}");
            text.AppendLine();
            bool judged = series.Any(s => s.Objectives is not null);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {(first.Mode == LoadStepSummary.Open ? "rate (/s)" : "users")} | requests | req/s | mean | p50 | p90 | p95 | p99 | p99.9 | max | failures | timeouts | late sends | stable |{(judged ? " objectives |" : string.Empty)}");
            text.AppendLine($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|{(judged ? "---|" : string.Empty)}");
            foreach (var s in series.OrderBy(s => s.Load))
            {
                string failures = s.Failures.Count == 0 ? "0" : string.Join(", ", s.Failures.Select(f => $"{f.Key}: {f.Value}"));
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {s.Load:0.###} | {s.Requests} | {s.Rps:0.#} | {Ms(s.MeanUs)} | {Ms(s.P50Us)} | {Ms(s.P90Us)} | {Ms(s.P95Us)} | {Ms(s.P99Us)} | {Ms(s.P999Us)} | {Ms(s.MaxUs)} | {failures} | {s.Timeouts} | {s.LateSends} | {(s.Stable ? "yes" : "no")} |{(judged ? $" {Verdicts(s)} |" : string.Empty)}");
            }

            AppendTimeSplit(text, [.. series.OrderBy(s => s.Load)]);
        }

        return text.ToString();
    }

    /// <summary>
    /// Where each step's mean latency went, from the server's own statistics (ms per request), and the CPU each side
    /// spent per answered request; a dash where the server does not split that part or published nothing.
    /// </summary>
    private static void AppendTimeSplit(StringBuilder text, List<LoadStepSummary> series)
    {
        if (series.All(s => s.ServerStatistics is null && s.ClientCpuUs is null))
        {
            return;
        }

        var first = series[0];
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Where the time went (server statistics: {first.ServerStatistics ?? "none read"}), ms per request:");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {(first.Mode == LoadStepSummary.Open ? "rate (/s)" : "users")} | mean latency | server request | queue | compute input | compute infer (engine) | compute output | network + protocol + client | server CPU | client CPU | rows per execution | executions by batch size |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in series)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Load:0.###} | {Ms(s.MeanUs)} | {Ms(s.ServerRequestUs)} | {Ms(s.ServerQueueUs)} | {Ms(s.ServerComputeInputUs)} | {Ms(s.ServerComputeInferUs)} | {Ms(s.ServerComputeOutputUs)} | {Ms(s.NetworkProtocolUs)} | {Ms(s.ServerCpuUs)} | {Ms(s.ClientCpuUs)} | {(s.ServerMeanBatch is { } rows ? Batch(rows) : "-")} | {BatchSizes(s)} |");
        }
    }

    /// <summary>
    /// perf_analyzer's CSV: its columns, one row per step, ordered by load. The server columns come from the server's
    /// own statistics, µs per request as perf_analyzer writes them (Server Queue, Server Compute Input / Infer /
    /// Output; a framework that does not split a stage leaves it empty), and Network+Server Send/Recv is, as there, the
    /// average latency less the server's queue and compute. Client Send/Recv stay empty (this client does not split its
    /// time). Scenario, Payload, Backend, the server's whole request, network + protocol and the CPU per request follow
    /// as extra columns, which tools reading perf_analyzer's columns by name ignore.
    /// </summary>
    public static string Csv(IReadOnlyList<LoadStepSummary> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        bool open = steps.Count > 0 && steps.All(s => s.Mode == LoadStepSummary.Open);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{(open ? "Request Rate" : "Concurrency")},{PerfAnalyzerColumns},Scenario,Payload,Backend,Server Request,Network+Protocol,Server CPU,Client CPU,Server Executions,Server Batch");
        foreach (var s in steps)
        {
            double? serverSide = s.ServerComputeInferUs is { } infer ? (s.ServerQueueUs ?? 0) + (s.ServerComputeInputUs ?? 0) + infer + (s.ServerComputeOutputUs ?? 0) : null;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Load:0.###},{s.Rps:0.##},,{Us(s.MeanUs - serverSide)},{Us(s.ServerQueueUs)},{Us(s.ServerComputeInputUs)},{Us(s.ServerComputeInferUs)},{Us(s.ServerComputeOutputUs)},,{s.P50Us},{s.P90Us},{s.P95Us},{s.P99Us},{s.MeanUs:0},,,{s.Scenario},{s.Payload},{s.Backend},{Us(s.ServerRequestUs)},{Us(s.NetworkProtocolUs)},{Us(s.ServerCpuUs)},{Us(s.ClientCpuUs)},{s.ServerExecutions},{Batch(s.ServerMeanBatch)}");
        }

        return text.ToString();
    }

    private static string Batch(double? rows) => rows is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>The batch sizes a step's executions had, largest count first: "8×120, 4×3"; a dash where the server publishes none.</summary>
    private static string BatchSizes(LoadStepSummary step) => step.ServerBatchSizes is { Count: > 0 } sizes
        ? string.Join(", ", sizes.OrderByDescending(b => b.Value).Select(b => $"{b.Key}×{b.Value}"))
        : "-";

    private static string Us(double? microseconds) => microseconds is { } us ? us.ToString("0", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary><c>met</c>, or the objectives missed with the step's figures (<c>**missed** p99 412 ms</c>).</summary>
    private static string Verdicts(LoadStepSummary step)
    {
        var missed = (step.Objectives ?? []).Where(o => !o.Met).ToArray();
        return missed.Length == 0
            ? "met"
            : "**missed** " + string.Join(", ", missed.Select(o => o.Measured is { } m
                ? FormattableString.Invariant($"{o.Objective} (was {m:0.###}{(o.Unit is "%" or "/s" ? string.Empty : " ")}{o.Unit})")
                : $"{o.Objective} (no answer)"));
    }

    private static string Ms(double microseconds) => (microseconds / 1000).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Ms(double? microseconds) => microseconds is { } us ? Ms(us) : "-";
}
