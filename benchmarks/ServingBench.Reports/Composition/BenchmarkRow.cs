namespace ServingBench.Reports.Composition;

/// <summary>
/// One measured case of one run, read from BenchmarkDotNet's full JSON (statistics, allocations) and its CSV (the
/// suite's own columns such as wire bytes, which the JSON does not carry). Parameters are read by name, so a class
/// that gains a parameter (RoundTrip's <c>Backend</c>) reads the same before and after.
/// </summary>
/// <param name="ErrorNs">Half the 99.9 % confidence interval (BenchmarkDotNet's <c>Error</c>); null when not measured.</param>
public sealed record BenchmarkRow(
    string RunId,
    string Class,
    string Method,
    IReadOnlyDictionary<string, string> Parameters,
    double? MeanNs,
    double? ErrorNs,
    long? AllocatedBytes,
    long? RequestBytes,
    long? ResponseBytes)
{
    /// <summary>
    /// The row's individual measurements, nanoseconds per operation: BenchmarkDotNet's workload <c>Result</c> iterations
    /// (each actual iteration less the overhead, upper outliers removed, as its statistics use them). Empty where the
    /// full JSON carries no measurements.
    /// </summary>
    public IReadOnlyList<double> Measurements { get; init; } = [];

    /// <summary>The row's CSV fields by column name (the suite's own columns such as <c>× floor</c>); empty without a CSV.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>();

    /// <summary>A CSV column's text; "—" where the report has no such column or no value.</summary>
    public string Column(string name) => Columns.TryGetValue(name, out string? value) && value.Length > 0 && value != "-" ? value : "—";

    /// <summary>The largest error, as a share of the mean, a published row may carry before it is marked noisy.</summary>
    public const double NoisyRelativeError = 0.05;

    /// <summary>The <c>Case</c> parameter (every class of the suite has one); empty when absent.</summary>
    public string Case => Parameter("Case") ?? string.Empty;

    public string? Parameter(string name) => Parameters.TryGetValue(name, out string? value) ? value : null;

    public double? RelativeError => MeanNs is > 0 && ErrorNs is { } error ? error / MeanNs : null;

    /// <summary>Error above 5 % of the mean, or no error at all (a single iteration cannot give one).</summary>
    public bool IsNoisy => MeanNs is not null && (RelativeError is not { } relative || relative > NoisyRelativeError);

    /// <summary>Identifies the case across runs: class, method and parameters.</summary>
    public string Key => $"{Class}.{Method}({string.Join("&", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))})";
}
