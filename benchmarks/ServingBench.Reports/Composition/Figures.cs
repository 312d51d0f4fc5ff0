namespace ServingBench.Reports.Composition;

/// <summary>How the page writes times, bytes and ratios: three significant figures, units a reader expects.</summary>
public static class Figures
{
    public static string Time(double? nanoseconds) => nanoseconds switch
    {
        null => "—",
        < 1e3 => Significant(nanoseconds.Value) + " ns",
        < 1e6 => Significant(nanoseconds.Value / 1e3) + " µs",
        < 1e9 => Significant(nanoseconds.Value / 1e6) + " ms",
        _ => Significant(nanoseconds.Value / 1e9) + " s",
    };

    /// <summary>Wire sizes exactly, with thousands separators (<c>602,112</c>).</summary>
    public static string Bytes(long? bytes) => bytes is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) : "—";

    /// <summary>Allocations as BenchmarkDotNet prints them (1 KB = 1024 B).</summary>
    public static string Allocated(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => Significant(bytes.Value / 1024.0) + " KB",
        _ => Significant(bytes.Value / (1024.0 * 1024)) + " MB",
    };

    public static string Ratio(double? ratio) => ratio is { } r ? Significant(r) + "×" : "—";

    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "—";

    /// <summary>Bytes on a chart axis (<c>602 KB</c>, <c>1.67 MB</c>; 1 KB = 1000 B, as wire sizes are quoted).</summary>
    public static string AxisBytes(double bytes) => bytes switch
    {
        < 1e3 => Significant(bytes) + " B",
        < 1e6 => Significant(bytes / 1e3) + " KB",
        _ => Significant(bytes / 1e6) + " MB",
    };

    private static string Significant(double value) => value.ToString(
        Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    /// <summary>The leading number of a time column the app wrote ("224.564 ± 4.743 ms", "1.234 ms"), in ns; null for a dash or text.</summary>
    public static double? LeadingMilliseconds(string? text)
    {
        string first = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        return text is not null && text.TrimEnd().EndsWith("ms", StringComparison.Ordinal)
            && double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) ? ms * 1e6 : null;
    }
}
