namespace ServingBench.Reports.Composition.Tables;

/// <summary>
/// What each encoding of a payload costs per call on a real link, derived from the run's own Serialization rows (no
/// new measurement): the CPU of the four directions (client encode and decode, server decode and encode; for a
/// half-precision payload also the client's two conversions, its <c>convert</c> row) plus the request's and answer's
/// bytes over the link's bandwidth. The cheapest encoding per link is in bold, and each half-precision or compressed
/// encoding says how many bytes it saves per microsecond of CPU it adds over its twin and the link speed below which
/// that pays. Latency, TCP windows and slow start, the server's queue and the model are left out (docs/half-and-compression.md).
/// </summary>
internal static class LinkSpeedTable
{
    public static readonly (string Label, double BitsPerSecond)[] Links = [("1 Gbit/s", 1e9), ("10 Gbit/s", 1e10), ("100 Gbit/s", 1e11)];

    private static readonly string[] Controls = ["memcpy", "naive-json", "google-protobuf", "convert"];

    /// <summary>
    /// True when the rows measure an encoding that trades CPU for bytes (a half-precision payload or a compressed
    /// encoding): the table compares those with their twins, and a run without them keeps the page it had.
    /// </summary>
    public static bool Applies(IEnumerable<BenchmarkRow> serialization) =>
        serialization.Any(r => CaseNames.HalfType(CaseNames.Part(r, 0)) is not null || CaseNames.Part(r, 1).Contains('+', StringComparison.Ordinal));

    /// <summary>Each payload's encodings with a whole call's CPU and bytes, payload by payload (a half-precision payload with its FP32 twin's).</summary>
    public static List<EncodingCall> Calls(IReadOnlyCollection<BenchmarkRow> serialization)
    {
        var byCase = serialization.GroupBy(r => r.Case).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var calls = new List<EncodingCall>();
        foreach (var (name, rows) in byCase)
        {
            string payload = CaseNames.Part(rows[0], 0);
            string encoding = CaseNames.Part(rows[0], 1);
            if (Controls.Contains(encoding) || CpuOf(rows) is not { } cpu || rows[0].RequestBytes is not { } request || rows[0].ResponseBytes is not { } response)
            {
                continue;
            }

            string? half = CaseNames.HalfType(payload);
            string family = half is null ? payload : payload[..^(half.Length + 1)];
            if (half is not null)
            {
                // The client holds FP32: it narrows the request and widens the answer (the model's Casts are the model's).
                var convert = byCase.GetValueOrDefault($"{payload}/convert");
                if (Mean(convert, SuiteMethods.EncodeRequest) is not { } narrow || Mean(convert, SuiteMethods.DecodeResponse) is not { } widen)
                {
                    continue;
                }

                cpu += narrow + widen;
            }

            string plainEncoding = encoding.Split('+')[0];
            string label = half is null ? encoding : $"{encoding} · {half}";
            string? twin = half is null && plainEncoding == encoding ? null : plainEncoding;
            calls.Add(new EncodingCall(family, label, twin, cpu, request + response));
        }

        return calls;
    }

    public static void Append(StringBuilder page, IReadOnlyCollection<BenchmarkRow> serialization)
    {
        foreach (var family in Calls(serialization).GroupBy(c => c.Payload))
        {
            var calls = family.OrderBy(c => c.CpuNs).ToList();
            var cheapest = Links.Select(link => calls.MinBy(c => c.TimeOn(link.BitsPerSecond))!).ToArray();
            page.AppendLine(CultureInfo.InvariantCulture, $"### {family.Key}").AppendLine();
            MarkdownTable.Header(page,
            [
                MarkdownTable.Text("encoding"), MarkdownTable.Figure("CPU per call"), MarkdownTable.Figure("bytes per call"),
                .. Links.Select(link => MarkdownTable.Figure(link.Label)),
                MarkdownTable.Figure("vs its twin: bytes saved per CPU µs added"), MarkdownTable.Figure("pays on links below"),
            ]);
            foreach (var call in calls)
            {
                page.Append(CultureInfo.InvariantCulture, $"| {call.Label} | {Figures.Time(call.CpuNs)} | {Figures.Bytes(call.Bytes)} |");
                for (int i = 0; i < Links.Length; i++)
                {
                    string time = Figures.Time(call.TimeOn(Links[i].BitsPerSecond));
                    page.Append(' ').Append(ReferenceEquals(call, cheapest[i]) ? $"**{time}**" : time).Append(" |");
                }

                var twin = call.Twin is null ? null : calls.FirstOrDefault(c => c.Label == call.Twin);
                page.AppendLine(CultureInfo.InvariantCulture, $" {SavedPerCpu(call, twin)} | {PaysBelow(call, twin)} |");
            }

            page.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"Cheapest for {family.Key}: {string.Join("; ", Links.Select((link, i) => $"{link.Label} {cheapest[i].Label}"))}.").AppendLine();
        }
    }

    /// <summary>Bytes the encoding saves over its twin per microsecond of CPU it adds ("—" without a twin, "free" when it adds none).</summary>
    public static string SavedPerCpu(EncodingCall call, EncodingCall? twin)
    {
        if (twin is null)
        {
            return "—";
        }

        double saved = twin.Bytes - call.Bytes;
        double added = call.CpuNs - twin.CpuNs;
        return added <= 0 ? (saved >= 0 ? "saves CPU too" : "—") : (saved / (added / 1e3)).ToString("N0", CultureInfo.InvariantCulture) + " B/µs";
    }

    /// <summary>
    /// The link speed below which the encoding beats its twin: bytes saved × 8 ÷ CPU added (bits per nanosecond are
    /// Gbit/s); "always" when it saves both, "never" when it saves neither, "above …" when it saves CPU and costs bytes.
    /// </summary>
    public static string PaysBelow(EncodingCall call, EncodingCall? twin)
    {
        if (twin is null)
        {
            return "—";
        }

        double saved = twin.Bytes - call.Bytes;
        double added = call.CpuNs - twin.CpuNs;
        if (saved > 0 && added <= 0)
        {
            return "always";
        }

        if (saved <= 0 && added >= 0)
        {
            return "never";
        }

        // Both positive (it buys bytes with CPU) or both negative (it buys CPU with bytes): the ratio is the break-even link.
        double breakEven = saved * 8 / added;
        return saved > 0 ? Gbits(breakEven) : "above " + Gbits(breakEven);
    }

    private static string Gbits(double bitsPerNanosecond) => bitsPerNanosecond < 1
        ? (bitsPerNanosecond * 1000).ToString(bitsPerNanosecond >= 0.01 ? "0" : "0.0", CultureInfo.InvariantCulture) + " Mbit/s"
        : bitsPerNanosecond.ToString(bitsPerNanosecond >= 10 ? "0" : "0.00", CultureInfo.InvariantCulture) + " Gbit/s";

    private static double? CpuOf(List<BenchmarkRow> rows)
    {
        double total = 0;
        foreach (string method in (string[])[SuiteMethods.EncodeRequest, SuiteMethods.DecodeRequest, SuiteMethods.EncodeResponse, SuiteMethods.DecodeResponse])
        {
            if (Mean(rows, method) is not { } mean)
            {
                return null;
            }

            total += mean;
        }

        return total;
    }

    private static double? Mean(List<BenchmarkRow>? rows, string method) => rows?.FirstOrDefault(r => r.Method == method)?.MeanNs;
}

/// <summary>One encoding of one payload per call: the CPU of its four directions (and conversions) and the bytes both ways.</summary>
/// <param name="Twin">The label of the FP32, uncompressed encoding it reads against; null for a plain one.</param>
internal sealed record EncodingCall(string Payload, string Label, string? Twin, double CpuNs, long Bytes)
{
    /// <summary>CPU plus the bytes' serialisation time on a link of <paramref name="bitsPerSecond"/>, in nanoseconds.</summary>
    public double TimeOn(double bitsPerSecond) => CpuNs + Bytes * 8 / bitsPerSecond * 1e9;
}
