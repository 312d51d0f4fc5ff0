using ServingBench.Reports.Charts;
using ServingBench.Reports.Composition.Tables;
using ServingBench.Reports.Load;

namespace ServingBench.Reports.Composition;

/// <summary>Raised when the chosen runs cannot share a table (different machines or jobs); the message says which and why.</summary>
public sealed class ReportRefusedException(string message) : Exception(message);

/// <summary>The composed page, its headline table (also written into the repository README) and the chart files.</summary>
public sealed record ReportPage(string Markdown, string Headline, IReadOnlyList<string> ChartFiles);

/// <summary>
/// Composes runs into one results page: serialization per payload (JSON vs typed protobuf vs raw, client and server
/// side), round trips per framework (REST vs gRPC, canned and model backends, next to the in-process floors), the
/// in-process rows, and load curves. Rows read from the runs' reports; no figure is typed by hand. This class only
/// orders the sections: each table is a class in <c>Tables/</c>, the charts are <see cref="PageCharts"/>, and the
/// prose is <c>PageProse.md</c>.
/// </summary>
public static class ReportComposer
{
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

        var serialization = Comparable("serialization", rows.Where(r => r.Class == SuiteClasses.Serialization).ToList(), manifests);
        var inProcess = rows.Where(r => r.Class == SuiteClasses.InProcess).ToList();
        var roundTrips = Comparable("round trips and in-process floors", rows.Where(r => r.Class == SuiteClasses.RoundTrip).Concat(inProcess).ToList(), manifests)
            .Where(r => r.Class == SuiteClasses.RoundTrip).ToList();
        var loadRuns = ordered.Where(r => r.LoadSteps.Count > 0).ToList();
        EnsureComparable("load curves", loadRuns.Select(r => r.Folder.Id), manifests);

        string headline = HeadlineTable.Compose(serialization, roundTrips, inProcess, manifests);
        var page = new StringBuilder();
        var palette = new SeriesPalette(rows.Select(CaseNames.Series).Concat(ordered.SelectMany(r => r.LoadSteps).Select(s => s.Scenario)));
        var charts = new PageCharts(Path.Combine(outputDirectory, "charts"), page, palette);

        page.AppendLine("## Runs").AppendLine();
        RunsTable.Append(page, ordered);
        page.AppendLine().AppendLine(PageProse.Get("noisy-rows", BenchmarkRow.NoisyRelativeError.ToString("0 %", CultureInfo.InvariantCulture), rows.Count(r => r.IsNoisy), rows.Count)).AppendLine();
        page.AppendLine("## Headline").AppendLine().Append(headline).AppendLine();

        if (serialization.Count > 0)
        {
            page.AppendLine("## Serialization: JSON vs typed protobuf vs raw").AppendLine();
            page.AppendLine(PageProse.Get("serialization")).AppendLine();
            foreach (var payload in serialization.GroupBy(r => CaseNames.Part(r, 0)))
            {
                SerializationTable.Append(page, payload.Key, [.. payload]);
                charts.Serialization(payload.Key, [.. payload]);
            }

            charts.WireBytes(serialization, request: true);
            charts.WireBytes(serialization, request: false);
        }

        if (PerItemTable.Applies(serialization))
        {
            page.AppendLine("## Cost per item at B = 1, 8, 32").AppendLine();
            page.AppendLine(PageProse.Get("per-item")).AppendLine();
            PerItemTable.Append(page, serialization);
        }

        if (LinkSpeedTable.Applies(serialization))
        {
            page.AppendLine("## What each encoding costs on a real link").AppendLine();
            page.AppendLine(PageProse.Get("link-speed")).AppendLine();
            LinkSpeedTable.Append(page, serialization);
        }

        if (roundTrips.Count > 0)
        {
            page.AppendLine("## Round trips: REST vs gRPC per framework").AppendLine();
            page.AppendLine(PageProse.Get("round-trips")).AppendLine();
            foreach (var framework in roundTrips.GroupBy(CaseNames.Framework))
            {
                RoundTripTable.Append(page, framework.Key, [.. framework], [.. roundTrips.Where(r => r.Method == SuiteMethods.InProcess), .. inProcess]);
            }

            if (ServerShareTable.Applies(roundTrips))
            {
                page.AppendLine("### Where the time goes (server statistics)").AppendLine();
                page.AppendLine(PageProse.Get("server-share")).AppendLine();
                ServerShareTable.Append(page, roundTrips);
            }

            foreach (var chart in roundTrips.Where(r => r.Method == SuiteMethods.Infer).GroupBy(r => (Backend: CaseNames.Backend(r), Payload: CaseNames.Part(r, 1))))
            {
                charts.RoundTrip(chart.Key.Backend, chart.Key.Payload, [.. chart]);
            }
        }

        if (inProcess.Count > 0)
        {
            page.AppendLine("## In process: the model with no protocol").AppendLine();
            page.AppendLine(PageProse.Get("in-process")).AppendLine();
            InProcessTable.Append(page, inProcess);
        }

        if (loadRuns.Count > 0)
        {
            page.AppendLine("## Load").AppendLine();
            LoadTable.Append(page, loadRuns);
            var steps = loadRuns.SelectMany(r => r.LoadSteps).Where(s => s.Mode == LoadStepSummary.Closed && s.Users is not null).ToList();
            if (steps.Count > 0)
            {
                charts.Load(steps);
            }
        }

        return new ReportPage(page.ToString(), headline, charts.Files);
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
}
