namespace ServingBench.Reports.Composition;

/// <summary>How the page reads a row's case name: <c>payload/encoding</c> (Serialization) or <c>scenario/payload/backend</c> (RoundTrip).</summary>
internal static class CaseNames
{
    /// <summary>Part <paramref name="index"/> of the case name; the whole name when it has fewer parts.</summary>
    public static string Part(BenchmarkRow row, int index)
    {
        string[] parts = row.Case.Split('/');
        return index < parts.Length ? parts[index] : row.Case;
    }

    /// <summary>The backend: a parameter of older runs, the case's third part (<c>scenario/payload/backend</c>) since.</summary>
    public static string Backend(BenchmarkRow row) =>
        row.Parameter("Backend") ?? (row.Case.Split('/') is { Length: > 2 } parts ? parts[2] : "canned");

    /// <summary>The framework of a round-trip row: the scenario's first word.</summary>
    public static string Framework(BenchmarkRow row) => Part(row, 0).Split('-')[0];

    /// <summary>A row's colour key: the encoding for serialization rows, the scenario for round trips.</summary>
    public static string Series(BenchmarkRow row) => row.Class switch
    {
        SuiteClasses.Serialization => Part(row, 1),
        SuiteClasses.RoundTrip => Part(row, 0),
        _ => row.Case,
    };

    /// <summary>The element type a half-precision payload's name ends in (<c>resnet50-tensor-fp16</c> → <c>fp16</c>), else null.</summary>
    public static string? HalfType(string payload) =>
        payload.EndsWith("-fp16", StringComparison.Ordinal) ? "fp16" : payload.EndsWith("-bf16", StringComparison.Ordinal) ? "bf16" : null;

    /// <summary>The noisy column of a single row: its error when above the threshold, else empty.</summary>
    public static string Noisy(BenchmarkRow row) => row.IsNoisy ? $"±{Figures.Percent(row.RelativeError)}" : string.Empty;

    /// <summary>The noisy column of a group of rows: each noisy row's method and error.</summary>
    public static string Noisy(IEnumerable<BenchmarkRow> rows) =>
        string.Join(", ", rows.Where(r => r.IsNoisy).Select(r => $"{r.Method} ±{Figures.Percent(r.RelativeError)}"));
}
