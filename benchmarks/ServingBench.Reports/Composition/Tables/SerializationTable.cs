namespace ServingBench.Reports.Composition.Tables;

/// <summary>One payload's serialization table: wire bytes, then each direction's time and allocations per encoding.</summary>
internal static class SerializationTable
{
    /// <summary>The directions in reading order: what the client does, then what the server does.</summary>
    public static readonly (string Method, string Label)[] Directions =
    [
        (SuiteMethods.EncodeRequest, "client encode"),
        (SuiteMethods.DecodeResponse, "client decode"),
        (SuiteMethods.DecodeRequest, "server decode"),
        (SuiteMethods.EncodeResponse, "server encode"),
    ];

    /// <summary>The directions <paramref name="rows"/> measured, in reading order.</summary>
    public static List<(string Method, string Label)> Present(IReadOnlyCollection<BenchmarkRow> rows) =>
        [.. Directions.Where(d => rows.Any(r => r.Method == d.Method))];

    public static void Append(StringBuilder page, string payload, List<BenchmarkRow> rows)
    {
        var directions = Present(rows);
        page.AppendLine(CultureInfo.InvariantCulture, $"### {payload}").AppendLine();
        MarkdownTable.Header(page,
        [
            MarkdownTable.Text("encoding"), MarkdownTable.Figure("request B"), MarkdownTable.Figure("response B"),
            .. directions.Select(d => MarkdownTable.Figure($"{d.Label} ({d.Method})")),
            MarkdownTable.Figure("allocated (same order)"), MarkdownTable.Text("noisy"),
        ]);
        foreach (var encoding in rows.GroupBy(r => CaseNames.Part(r, 1)))
        {
            var byMethod = encoding.ToDictionary(r => r.Method);
            var any = encoding.First();
            page.Append(CultureInfo.InvariantCulture, $"| {encoding.Key} | {Figures.Bytes(any.RequestBytes)} | {Figures.Bytes(any.ResponseBytes)} |");
            foreach (var (method, _) in directions)
            {
                page.Append(' ').Append(Figures.Time(byMethod.GetValueOrDefault(method)?.MeanNs)).Append(" |");
            }

            page.Append(' ').Append(string.Join(" / ", directions.Select(d => Figures.Allocated(byMethod.GetValueOrDefault(d.Method)?.AllocatedBytes)))).Append(" |");
            page.Append(' ').Append(CaseNames.Noisy(encoding)).AppendLine(" |");
        }

        page.AppendLine();
    }
}
