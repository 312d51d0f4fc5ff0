using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using ServingBench.Serialization;
using ServingBench.Reports.Composition;

namespace ServingBench.Config;

/// <summary>Shared plumbing for columns that read the <c>Case</c> parameter (of type <typeparamref name="TCase"/>) of a benchmark.</summary>
public abstract class CaseColumn<TCase> : IColumn
    where TCase : class
{
    protected CaseColumn(string name, string legend, int priority, bool isNumeric = true)
    {
        ColumnName = name;
        Legend = legend;
        PriorityInCategory = priority;
        IsNumeric = isNumeric;
    }

    public string Id => GetType().Name + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory { get; }

    public bool IsNumeric { get; }

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    public virtual bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => CaseOf(b) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public abstract string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style);

    protected static TCase? CaseOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Case")?.Value as TCase;

    /// <summary>
    /// This row's mean ÷ the mean of the reference row (same method and job) that <paramref name="isReference"/>
    /// picks: "0.00", or "?" when the reference did not run.
    /// </summary>
    protected static string RatioToReference(Summary summary, BenchmarkCase benchmarkCase, Func<TCase, bool> isReference)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        var reference = summary.BenchmarksCases.FirstOrDefault(b =>
            b.Descriptor == benchmarkCase.Descriptor
            && b.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo
            && CaseOf(b) is { } candidate
            && isReference(candidate));
        if (reference is null || summary[reference]?.ResultStatistics is not { Mean: > 0 } referenceStats)
        {
            return "?";
        }

        return (stats.Mean / referenceStats.Mean).ToString("0.00", CultureInfo.InvariantCulture);
    }
}

/// <summary>Bytes on the wire, computed from the payload by the case's own codec (not by reflection).</summary>
public sealed class WireBytesColumn : CaseColumn<SerializationCase>
{
    private static readonly ConcurrentDictionary<SerializationCase, (int Request, int Response)> Sizes = new();
    private readonly bool _request;

    private WireBytesColumn(bool request)
        : base(request ? SuiteColumns.RequestBytes : SuiteColumns.ResponseBytes, request ? "Request body bytes on the wire" : "Response body bytes on the wire", request ? 0 : 1)
    {
        _request = request;
    }

    public static WireBytesColumn Request { get; } = new(request: true);

    public static WireBytesColumn Response { get; } = new(request: false);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (CaseOf(benchmarkCase) is not { } @case)
        {
            return "-";
        }

        var (request, response) = Sizes.GetOrAdd(@case, static c =>
        {
            try
            {
                var subject = SerializationSubject.Create(c);
                return (subject.RequestBody.Length, subject.ResponseBody.Length);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The benchmark itself reports why this case failed; the column only has no size to show.
                return (-1, -1);
            }
        });
        int bytes = _request ? request : response;
        return bytes < 0 ? "n/a" : bytes.ToString("N0", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Mean time of this row divided by the mean of a reference row of the same method and payload: the memcpy
/// control (the physical floor) or the payload's raw encoding (the ratio baseline).
/// </summary>
/// <param name="isReference">Whether a candidate case is the reference of a row (row, candidate).</param>
public sealed class RatioToCaseColumn(string name, string legend, int priority, Func<SerializationCase, SerializationCase, bool> isReference)
    : CaseColumn<SerializationCase>(name, legend, priority)
{

    public static RatioToCaseColumn Memcpy { get; } = new(
        SuiteColumns.TimesMemcpy, "Mean ÷ mean of copying the same bytes (memcpy row of the same payload and method; a half-precision payload reads against copying its FP32 twin)", 2,
        (row, candidate) => candidate.Payload == row.MemcpyPayload && candidate.Encoding == SerializationCase.Memcpy);

    public static RatioToCaseColumn Raw { get; } = new(
        SuiteColumns.TimesRaw, "Mean ÷ mean of the payload's raw encoding (triton-grpc-raw; torchserve-rest-raw for JPEG), same method", 3,
        (row, candidate) => candidate.Payload == row.Payload && candidate.IsRatioBaseline);

    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        CaseOf(benchmarkCase) is { } row ? RatioToReference(summary, benchmarkCase, candidate => isReference(row, candidate)) : "-";
}
