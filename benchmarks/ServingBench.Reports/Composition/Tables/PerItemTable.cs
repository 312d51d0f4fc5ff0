using System.Text.RegularExpressions;

namespace ServingBench.Reports.Composition.Tables;

/// <summary>
/// What an item costs as the batch grows: per payload and encoding, the request's encode time and bytes per item at
/// B = 1, 8 and 32 (mean and bytes ÷ B, from the Serialization rows), and B = 32's per-item time over B = 1's (the
/// issue-19 target: within 1.2× for the raw and binary encodings). Only pages with batch rows have it.
/// </summary>
internal static partial class PerItemTable
{
    /// <summary>The batch sizes the table has a column for, as the catalogue's batch payloads have them.</summary>
    public static IReadOnlyList<int> Batches { get; } = [1, 8, 32];

    public static bool Applies(IEnumerable<BenchmarkRow> serialization) => serialization.Any(r => BatchOf(r) > 1);

    public static void Append(StringBuilder page, List<BenchmarkRow> serialization)
    {
        var encodes = serialization.Where(r => r.Method == SuiteMethods.EncodeRequest).ToList();
        MarkdownTable.Header(page,
        [
            MarkdownTable.Text("payload"), MarkdownTable.Text("encoding"),
            .. Batches.Select(b => MarkdownTable.Figure($"encode / item, B = {b}")),
            MarkdownTable.Figure("B = 32 ÷ B = 1"),
            .. Batches.Select(b => MarkdownTable.Figure($"request B / item, B = {b}")),
        ]);
        var withBatches = encodes.Where(r => BatchOf(r) > 1).Select(Cell).ToHashSet();
        foreach (var cell in encodes.Select(Cell).Distinct().Where(withBatches.Contains))
        {
            var byBatch = Batches.ToDictionary(b => b, b => encodes.FirstOrDefault(r => Cell(r) == cell && BatchOf(r) == b));
            double? PerItem(int batch) => byBatch[batch]?.MeanNs / batch;
            double? growth = PerItem(32) / PerItem(1);
            page.AppendLine(CultureInfo.InvariantCulture,
                $"| {cell.Payload} | {cell.Encoding} | {string.Join(" | ", Batches.Select(b => Figures.Time(PerItem(b))))} | {Figures.Ratio(growth)} | {string.Join(" | ", Batches.Select(b => Figures.Bytes(byBatch[b]?.RequestBytes / b)))} |");
        }

        page.AppendLine();
    }

    /// <summary>A row's batch size: its <see cref="SuiteColumns.Batch"/> column, 1 for rows of runs that had none.</summary>
    public static int BatchOf(BenchmarkRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return int.TryParse(row.Column(SuiteColumns.Batch), NumberStyles.None, CultureInfo.InvariantCulture, out int batch) ? batch : 1;
    }

    /// <summary>The batch-1 payload and the encoding of a Serialization row (<c>resnet50-tensor-b8/triton-grpc-raw</c> → resnet50-tensor, triton-grpc-raw).</summary>
    private static (string Payload, string Encoding) Cell(BenchmarkRow row) =>
        (BatchSuffix().Replace(CaseNames.Part(row, 0), string.Empty), CaseNames.Part(row, 1));

    [GeneratedRegex(@"-b\d+$")]
    private static partial Regex BatchSuffix();
}
