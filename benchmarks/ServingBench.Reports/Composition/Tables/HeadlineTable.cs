namespace ServingBench.Reports.Composition.Tables;

/// <summary>
/// The headline: the ResNet50 tensor's figures per encoding family against memcpy, the fastest and slowest round trip
/// per backend, and each in-process row, ending with the runs it comes from. README.md carries a copy.
/// </summary>
internal static class HeadlineTable
{
    /// <summary>The payload the headline is about: the tensor every framework accepts.</summary>
    private const string Payload = "resnet50-tensor";

    /// <summary>The control rows: the physical floor and the two peers built from stock libraries.</summary>
    private static readonly string[] Controls = ["memcpy", "naive-json", "google-protobuf"];

    /// <summary>Encodings grouped the way the headline reads them; each control stands alone.</summary>
    private static readonly (string Family, Func<string, bool> Select)[] EncodingFamilies =
    [
        ("raw binary", e => !Controls.Contains(e) && !e.Contains("json", StringComparison.Ordinal) && !e.Contains("typed", StringComparison.Ordinal)),
        ("typed protobuf", e => e.Contains("typed", StringComparison.Ordinal)),
        ("our JSON", e => e != "naive-json" && e.Contains("json", StringComparison.Ordinal)),
        ("naive JSON (System.Text.Json)", e => e == "naive-json"),
        ("Google.Protobuf generated classes", e => e == "google-protobuf"),
    ];

    public static string Compose(List<BenchmarkRow> serialization, List<BenchmarkRow> roundTrips, List<BenchmarkRow> inProcess, Dictionary<string, RunManifest> manifests)
    {
        var text = new StringBuilder();
        text.AppendLine("| what | figure |").AppendLine("|---|---|");
        AppendSerialization(text, serialization.Where(r => CaseNames.Part(r, 0) == Payload).ToList());
        AppendRoundTrips(text, roundTrips);
        AppendInProcess(text, inProcess);

        var sources = serialization.Concat(roundTrips).Concat(inProcess).Select(r => r.RunId).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine().Append("From ").Append(sources.Count == 0 ? "no run" : string.Join(", ", sources.Select(id => $"`{id}` ({RunsTable.Source(manifests[id])})"))).AppendLine(".");
        return text.ToString();
    }

    private static void AppendSerialization(StringBuilder text, List<BenchmarkRow> tensor)
    {
        BenchmarkRow? Memcpy(string method) => tensor.FirstOrDefault(r => r.Method == method && CaseNames.Part(r, 1) == "memcpy");
        if (Memcpy(SuiteMethods.EncodeRequest) is not { MeanNs: { } copy } memcpy)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| memcpy of the {Payload} ({Figures.Bytes(memcpy.RequestBytes)} bytes) | {Figures.Time(copy)} |");
        foreach (var (family, select) in EncodingFamilies)
        {
            var encode = tensor.Where(r => r.Method == SuiteMethods.EncodeRequest && select(CaseNames.Part(r, 1))).ToList();
            var decode = tensor.Where(r => r.Method == SuiteMethods.DecodeRequest && select(CaseNames.Part(r, 1))).ToList();
            if (encode.Count == 0)
            {
                continue;
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {family}: EncodeRequest / DecodeRequest | {TimeRange(encode)} ({RatioRange(encode.Select(r => r.MeanNs / copy))} memcpy) / {TimeRange(decode)} |");
            if (family != "raw binary")
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {family}: request / response on the wire | {RatioRange(encode.Select(r => r.RequestBytes / (double?)memcpy.RequestBytes))} / {RatioRange(encode.Select(r => r.ResponseBytes / (double?)memcpy.ResponseBytes))} raw |");
            }
        }
    }

    private static void AppendRoundTrips(StringBuilder text, List<BenchmarkRow> roundTrips)
    {
        foreach (var backend in roundTrips.Where(r => r.Method == SuiteMethods.Infer && CaseNames.Part(r, 1) == Payload && r.MeanNs is not null).GroupBy(CaseNames.Backend))
        {
            var fastest = backend.MinBy(r => r.MeanNs)!;
            var slowest = backend.MaxBy(r => r.MeanNs)!;
            text.AppendLine(fastest == slowest
                ? $"| round trip over loopback, {backend.Key} backend, {Payload} | {CaseNames.Part(fastest, 0)} {Figures.Time(fastest.MeanNs)} |"
                : $"| round trip over loopback, {backend.Key} backend, {Payload}: fastest / slowest | {CaseNames.Part(fastest, 0)} {Figures.Time(fastest.MeanNs)} / {CaseNames.Part(slowest, 0)} {Figures.Time(slowest.MeanNs)} |");
        }
    }

    private static void AppendInProcess(StringBuilder text, List<BenchmarkRow> inProcess)
    {
        foreach (var row in inProcess.Where(r => r.Case.Contains("-cpu-", StringComparison.Ordinal) && r.MeanNs is not null))
        {
            var ratios = new[] { (SuiteColumns.TimesFloor, "× this host's floor"), (SuiteColumns.TimesOnnxRuntime, "× ONNX Runtime") }
                .Where(c => row.Column(c.Item1) != "—").Select(c => row.Column(c.Item1) + c.Item2).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| in process, {row.Case} | {Figures.Time(row.MeanNs)}{(ratios.Count > 0 ? $" ({string.Join(", ", ratios)})" : string.Empty)} |");
        }
    }

    private static string TimeRange(List<BenchmarkRow> rows)
    {
        var means = rows.Where(r => r.MeanNs is not null).Select(r => r.MeanNs!.Value).ToList();
        return means.Count == 0 ? "—" : means.Min() == means.Max() ? Figures.Time(means.Min()) : $"{Figures.Time(means.Min())}–{Figures.Time(means.Max())}";
    }

    private static string RatioRange(IEnumerable<double?> ratios)
    {
        var values = ratios.Where(r => r is not null).Select(r => r!.Value).ToList();
        return values.Count == 0 ? "—" : values.Min() == values.Max() ? Figures.Ratio(values.Min()) : $"{Figures.Ratio(values.Min())}–{Figures.Ratio(values.Max())}";
    }
}
