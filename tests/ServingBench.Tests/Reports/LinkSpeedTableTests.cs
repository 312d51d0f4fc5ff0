using System.Text;
using ServingBench.Reports.Composition;
using ServingBench.Reports.Composition.Tables;

namespace ServingBench.Tests.Reports;

/// <summary>The link-speed table from hand-made rows: CPU plus bytes over bandwidth, the cheapest per link, the break-even link.</summary>
public class LinkSpeedTableTests
{
    [Fact]
    public void Each_Encoding_Costs_Its_Cpu_Plus_Its_Bytes_On_The_Link()
    {
        List<BenchmarkRow> rows =
        [
            .. Directions("p/json", 1_000, 1_000, 1_000, 1_000, request: 1_250_000, response: 0), // 4 µs CPU, 10 Mbit
            .. Directions("p/json+gzip-fastest", 100_000, 100_000, 100_000, 100_000, request: 125_000, response: 0), // 400 µs, 1 Mbit
            .. Directions("p/raw", 250, 250, 250, 250, request: 500_000, response: 0), // 1 µs, 4 Mbit
            .. Directions("p-fp16/raw", 250, 250, 250, 250, request: 250_000, response: 0),
            .. Directions("p-fp16/convert", 25_000, 0, 0, 5_000, request: 250_000, response: 0), // the client's 30 µs of conversions
            .. Directions("p/memcpy", 1, 1, 1, 1, request: 500_000, response: 0),
        ];

        var calls = LinkSpeedTable.Calls(rows).ToDictionary(c => c.Label);

        Assert.Equal(["json", "json+gzip-fastest", "raw", "raw · fp16"], calls.Keys.Order());
        Assert.Equal(10_004_000, calls["json"].TimeOn(1e9), 1e-6); // 4 µs + 10 ms
        Assert.Equal(31_000, calls["raw · fp16"].CpuNs); // 1 µs codec + 30 µs conversions
        Assert.Equal("json", calls["json+gzip-fastest"].Twin);
        Assert.Equal("raw", calls["raw · fp16"].Twin);

        // gzip saves 1,125,000 B for 396 µs of CPU: 2,841 B/µs, worth it below 22.7 Gbit/s.
        Assert.Equal("2,841 B/µs", LinkSpeedTable.SavedPerCpu(calls["json+gzip-fastest"], calls["json"]));
        Assert.Equal("23 Gbit/s", LinkSpeedTable.PaysBelow(calls["json+gzip-fastest"], calls["json"]));
        Assert.Equal("never", LinkSpeedTable.PaysBelow(calls["json"], calls["raw"]));

        var page = new StringBuilder();
        LinkSpeedTable.Append(page, rows);
        string markdown = page.ToString();
        Assert.Contains("| raw · fp16 | 31.0 µs | 250,000 | 2.03 ms | **231 µs** | 51.0 µs | 8,333 B/µs | 67 Gbit/s |", markdown, StringComparison.Ordinal);
        Assert.Contains("| raw | 1.00 µs | 500,000 | 4.00 ms | 401 µs | **41.0 µs** | — | — |", markdown, StringComparison.Ordinal);
        Assert.Contains("| json+gzip-fastest | 400 µs | 125,000 | **1.40 ms** | 500 µs | 410 µs | 2,841 B/µs | 23 Gbit/s |", markdown, StringComparison.Ordinal);
        Assert.Contains("Cheapest for p: 1 Gbit/s json+gzip-fastest; 10 Gbit/s raw · fp16; 100 Gbit/s raw.", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("memcpy", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Run_Without_Half_Or_Compressed_Rows_Keeps_Its_Page()
    {
        Assert.False(LinkSpeedTable.Applies(Directions("p/raw", 1, 1, 1, 1, 1, 1)));
        Assert.True(LinkSpeedTable.Applies(Directions("p/raw+gzip-fastest", 1, 1, 1, 1, 1, 1)));
        Assert.True(LinkSpeedTable.Applies(Directions("p-bf16/raw", 1, 1, 1, 1, 1, 1)));
    }

    private static IEnumerable<BenchmarkRow> Directions(string @case, double encodeRequest, double decodeRequest, double encodeResponse, double decodeResponse, long request, long response) =>
        new (string Method, double Mean)[]
        {
            (SuiteMethods.EncodeRequest, encodeRequest), (SuiteMethods.DecodeRequest, decodeRequest),
            (SuiteMethods.EncodeResponse, encodeResponse), (SuiteMethods.DecodeResponse, decodeResponse),
        }.Select(d => HandMadeRows.Serialization(@case, d.Method, d.Mean, request, response));
}
