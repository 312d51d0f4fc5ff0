using System.Text.Json;
using ServingBench.Reports.Load;

namespace ServingBench.Reports.Composition;

/// <summary>A run folder read back: its manifest, its benchmark rows and its load steps.</summary>
public sealed class RunResults
{
    private RunResults(RunFolder folder, RunManifest manifest, IReadOnlyList<BenchmarkRow> rows, IReadOnlyList<LoadStepSummary> loadSteps)
    {
        Folder = folder;
        Manifest = manifest;
        Rows = rows;
        LoadSteps = loadSteps;
    }

    public RunFolder Folder { get; }

    public RunManifest Manifest { get; }

    public IReadOnlyList<BenchmarkRow> Rows { get; }

    public IReadOnlyList<LoadStepSummary> LoadSteps { get; }

    /// <exception cref="InvalidDataException">The folder has no manifest, or a report it names cannot be read.</exception>
    public static RunResults Load(RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var manifest = folder.ReadManifest()
            ?? throw new InvalidDataException($"run {folder.Id} has no {RunFolder.ManifestFileName} (it was interrupted before it finished)");
        var rows = new List<BenchmarkRow>();
        foreach (string json in Directory.EnumerateFiles(folder.FullPath, "*-report-full.json").Order(StringComparer.Ordinal))
        {
            string csv = json[..^"-report-full.json".Length] + "-report.csv";
            rows.AddRange(ReadReport(folder.Id, json, File.Exists(csv) ? ReadCsv(csv) : []));
        }

        string summary = Path.Combine(folder.LoadDirectory, "summary.json");
        var steps = File.Exists(summary) ? LoadSummary.Read(summary).Steps : [];
        return new RunResults(folder, manifest, rows, steps);
    }

    private static IEnumerable<BenchmarkRow> ReadReport(string runId, string jsonPath, IReadOnlyList<IReadOnlyDictionary<string, string>> csvRows)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(jsonPath));
        foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            string type = benchmark.GetProperty("Type").GetString() ?? string.Empty;
            string method = benchmark.GetProperty("Method").GetString() ?? string.Empty;
            var parameters = ParseParameters(benchmark.TryGetProperty("Parameters", out var p) ? p.GetString() : null);
            double? mean = null, error = null;
            if (benchmark.TryGetProperty("Statistics", out var statistics) && statistics.ValueKind == JsonValueKind.Object)
            {
                mean = statistics.GetProperty("Mean").GetDouble();
                error = statistics.TryGetProperty("ConfidenceInterval", out var interval) ? interval.GetProperty("Margin").GetDouble() : null;
                error = error is { } e && double.IsFinite(e) ? e : null;
            }

            long? allocated = benchmark.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                ? memory.GetProperty("BytesAllocatedPerOperation").GetInt64()
                : null;
            var csv = csvRows.FirstOrDefault(r => r.GetValueOrDefault("Method") == method
                && parameters.All(kv => r.GetValueOrDefault(kv.Key) == kv.Value));
            yield return new BenchmarkRow(
                runId, type, method, parameters, mean, error, allocated,
                ParseBytes(csv?.GetValueOrDefault("Request B")), ParseBytes(csv?.GetValueOrDefault("Response B")))
            {
                Columns = csv ?? new Dictionary<string, string>(),
                Measurements = ReadMeasurements(benchmark),
            };
        }
    }

    /// <summary>Each workload result iteration as nanoseconds per operation, in the order they ran.</summary>
    private static double[] ReadMeasurements(JsonElement benchmark)
    {
        if (!benchmark.TryGetProperty("Measurements", out var measurements) || measurements.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        static string? Text(JsonElement m, string name) => m.TryGetProperty(name, out var value) ? value.GetString() : null;
        return [.. measurements.EnumerateArray()
            .Where(m => Text(m, "IterationMode") == "Workload" && Text(m, "IterationStage") == "Result"
                && m.TryGetProperty("Nanoseconds", out _) && m.TryGetProperty("Operations", out _))
            .Select(m => m.GetProperty("Nanoseconds").GetDouble() / Math.Max(1, m.GetProperty("Operations").GetInt64()))];
    }

    /// <summary>BenchmarkDotNet's <c>Backend=canned&amp;Case=triton-grpc-raw/resnet50-tensor</c>.</summary>
    private static Dictionary<string, string> ParseParameters(string? text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in (text ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                parameters[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return parameters;
    }

    /// <summary>The wire-bytes columns print <c>1,674,952</c>; "-" or "?" where a case has no body.</summary>
    private static long? ParseBytes(string? text) =>
        long.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long bytes) ? bytes : null;

    /// <summary>BenchmarkDotNet's CSV: a header row, then one row per case; fields with commas are quoted.</summary>
    internal static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            return [];
        }

        var header = SplitCsvLine(lines[0]);
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            var fields = SplitCsvLine(line);
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count && i < fields.Count; i++)
            {
                row[header[i]] = fields[i];
            }

            return (IReadOnlyDictionary<string, string>)row;
        })];
    }

    private static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
