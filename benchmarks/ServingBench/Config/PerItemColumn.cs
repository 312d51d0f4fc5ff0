using BenchmarkDotNet.Reports;
using ServingBench.Benchmarks;
using ServingBench.Reports.Composition;
using ServingBench.Serialization;

namespace ServingBench.Config;

/// <summary>
/// The per-item view of a batch row (docs/batching.md): the batch size, the mean and the wire bytes divided by it, and
/// that per-item mean against the batch-1 row of the same encoding and method. A Serialization or RoundTrip operation
/// covers the whole batch (B requests for TorchServe, one [B, …] message elsewhere), so dividing by B is the cost of
/// one item; batch-1 rows show their own figures, so the column reads down a payload's B = 1, 8, 32.
/// </summary>
public sealed class PerItemColumn(string name, string legend, int priority, Func<Summary, BenchmarkCase, string> value)
    : CaseColumn<object>(name, legend, priority)
{

    public static PerItemColumn Batch { get; } = new(
        SuiteColumns.Batch, "Items per operation (B): inputs in one [B, …] message or engine call, or TorchServe's B separate requests", 10,
        static (_, benchmarkCase) => BatchSizeOf(benchmarkCase) is { } batch ? batch.ToString(CultureInfo.InvariantCulture) : "-");

    public static PerItemColumn PerItem { get; } = new(
        SuiteColumns.PerItem, "Mean ÷ Batch: the time of one item (μs)", 11,
        static (summary, benchmarkCase) => BatchSizeOf(benchmarkCase) is { } batch && summary[benchmarkCase]?.ResultStatistics is { } stats
            ? Microseconds(stats.Mean / batch)
            : "-");

    public static PerItemColumn RequestBytesPerItem { get; } = new(
        SuiteColumns.RequestBytesPerItem, "Request B ÷ Batch: request bytes on the wire per item", 12,
        static (summary, benchmarkCase) => BytesPerItem(summary, benchmarkCase, WireBytesColumn.Request));

    public static PerItemColumn ResponseBytesPerItem { get; } = new(
        SuiteColumns.ResponseBytesPerItem, "Response B ÷ Batch: response bytes on the wire per item", 13,
        static (summary, benchmarkCase) => BytesPerItem(summary, benchmarkCase, WireBytesColumn.Response));

    public static PerItemColumn TimesSingle { get; } = new(
        SuiteColumns.TimesSinglePerItem, "Per item ÷ the mean of the batch-1 row of the same encoding and method ('?' when it did not run)", 14,
        TimesSingleValue);

    public static IReadOnlyList<PerItemColumn> All { get; } = [Batch, PerItem, RequestBytesPerItem, ResponseBytesPerItem, TimesSingle];

    /// <summary>Only in a summary with a batch row, so tables of batch-1 rows read as before.</summary>
    public override bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => BatchSizeOf(b) > 1);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => value(summary, benchmarkCase);

    /// <summary>Items per operation of a Serialization, RoundTrip or InProcess case; null for other classes.</summary>
    public static int? BatchSizeOf(BenchmarkCase benchmarkCase) => CaseOf(benchmarkCase) switch
    {
        SerializationCase serialization => serialization.Payload.BatchSize,
        RoundTripCase roundTrip => roundTrip.Payload.BatchSize,
        InProcessCase inProcess => inProcess.Batch,
        _ => null,
    };

    /// <summary>The case a batch row's per-item mean reads against: the same encoding, backend or engine at batch 1.</summary>
    public static bool IsSingleOf(object row, object candidate) => (row, candidate) switch
    {
        (SerializationCase r, SerializationCase c) => r.Payload.Single is { } single && c.Payload == single && c.Encoding == r.Encoding,
        (RoundTripCase r, RoundTripCase c) => r.Payload.Single is { } single && c.Payload == single && c.Scenario == r.Scenario && c.Backend == r.Backend,
        (InProcessCase r, InProcessCase c) => r.Batch > 1 && c == r with { Batch = 1 },
        _ => false,
    };

    private static string TimesSingleValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (CaseOf(benchmarkCase) is not { } row || BatchSizeOf(benchmarkCase) is not { } batch)
        {
            return "-";
        }

        if (batch == 1)
        {
            return "1.00";
        }

        string ratio = RatioToReference(summary, benchmarkCase, candidate => IsSingleOf(row, candidate));
        return double.TryParse(ratio, NumberStyles.Float, CultureInfo.InvariantCulture, out double perCall)
            ? (perCall / batch).ToString("0.00", CultureInfo.InvariantCulture)
            : ratio;
    }

    private static string BytesPerItem(Summary summary, BenchmarkCase benchmarkCase, WireBytesColumn bytes)
    {
        if (CaseOf(benchmarkCase) is not SerializationCase @case)
        {
            return "-";
        }

        string total = bytes.GetValue(summary, benchmarkCase);
        return long.TryParse(total, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long value)
            ? (value / @case.Payload.BatchSize).ToString("N0", CultureInfo.InvariantCulture)
            : total;
    }

    private static string Microseconds(double nanoseconds) => (nanoseconds / 1000).ToString("N3", CultureInfo.InvariantCulture) + " μs";
}
