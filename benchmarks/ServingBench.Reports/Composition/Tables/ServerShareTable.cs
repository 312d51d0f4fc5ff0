namespace ServingBench.Reports.Composition.Tables;

/// <summary>
/// Where each round trip's time goes by the server's own statistics: the server's time per call (its request
/// duration), its share of the round trip, and the engine's part of it. Only rows from runs that read statistics
/// appear; a page of runs without them has no such table.
/// </summary>
internal static class ServerShareTable
{
    public static bool Applies(IEnumerable<BenchmarkRow> rows) => rows.Any(HasServerTime);

    public static void Append(StringBuilder page, List<BenchmarkRow> rows)
    {
        page.AppendLine("| scenario | backend | payload | Infer | server time | server share | engine in server | network + protocol + client |");
        page.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows.Where(r => r.Method == SuiteMethods.Infer && HasServerTime(r)))
        {
            double? server = Figures.LeadingMilliseconds(row.Column(SuiteColumns.ServerTime));
            double? outside = row.MeanNs is { } mean && server is { } inside ? mean - inside : null;
            page.AppendLine(CultureInfo.InvariantCulture,
                $"| {CaseNames.Part(row, 0)} | {CaseNames.Backend(row)} | {CaseNames.Part(row, 1)} | {Figures.Time(row.MeanNs)} | {row.Column(SuiteColumns.ServerTime)} | {row.Column(SuiteColumns.ServerShare)} | {row.Column(SuiteColumns.EngineInServer)} | {Figures.Time(outside)} |");
        }

        page.AppendLine();
    }

    private static bool HasServerTime(BenchmarkRow row) => Figures.LeadingMilliseconds(row.Column(SuiteColumns.ServerTime)) is not null;
}
