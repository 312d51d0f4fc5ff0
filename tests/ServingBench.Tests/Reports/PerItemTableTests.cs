using System.Text;
using ServingBench.Config;
using ServingBench.Reports.Composition;
using ServingBench.Reports.Composition.Tables;

namespace ServingBench.Tests.Reports;

/// <summary>The per-item table from hand-made rows: mean and bytes ÷ the row's Batch column, B = 32 against B = 1.</summary>
public class PerItemTableTests
{
    [Fact]
    public void Each_Encoding_Reads_Per_Item_At_Each_Batch_Size()
    {
        List<BenchmarkRow> rows =
        [
            Encode("p/raw", batch: null, meanNs: 10_000, requestBytes: 1_000), // a run from before batches: no Batch column
            Encode("p-b8/raw", batch: 8, meanNs: 48_000, requestBytes: 8_000),
            Encode("p-b32/raw", batch: 32, meanNs: 160_000, requestBytes: 32_000),
            Encode("p/json", batch: 1, meanNs: 100_000, requestBytes: 5_000),
            Encode("p-b32/json", batch: 32, meanNs: 3_840_000, requestBytes: 160_000),
            Encode("q/raw", batch: 1, meanNs: 1_000, requestBytes: 10), // no batch rows: not in the table
        ];

        var page = new StringBuilder();
        PerItemTable.Append(page, rows);
        string markdown = page.ToString();

        Assert.Contains("| p | raw | 10.0 µs | 6.00 µs | 5.00 µs | 0.50× | 1,000 | 1,000 | 1,000 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| p | json | 100 µs | — | 120 µs | 1.20× | 5,000 | — | 5,000 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| q |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Run_Without_Batch_Rows_Keeps_Its_Page()
    {
        Assert.False(PerItemTable.Applies([Encode("p/raw", batch: null, meanNs: 1, requestBytes: 1), Encode("p/json", batch: 1, meanNs: 1, requestBytes: 1)]));
        Assert.True(PerItemTable.Applies([Encode("p-b8/raw", batch: 8, meanNs: 1, requestBytes: 1)]));
    }

    [Fact]
    public void The_Table_Reads_The_Batch_Column_The_App_Writes()
    {
        Assert.Equal(SuiteColumns.Batch, PerItemColumn.Batch.ColumnName);
        Assert.Contains(SuiteColumns.Batch, SuiteColumns.ReadByThePage);
    }

    private static BenchmarkRow Encode(string @case, int? batch, double meanNs, long requestBytes) =>
        HandMadeRows.Serialization(@case, SuiteMethods.EncodeRequest, meanNs, requestBytes, requestBytes) with
        {
            Columns = batch is { } b ? new Dictionary<string, string> { [SuiteColumns.Batch] = b.ToString(System.Globalization.CultureInfo.InvariantCulture) } : new Dictionary<string, string>(),
        };
}
