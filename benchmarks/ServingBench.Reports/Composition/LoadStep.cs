using System.Text.Json;

namespace ServingBench.Reports.Composition;

/// <summary>One step of a load run, as the load verb writes it to <c>load/summary.json</c> (snake_case keys).</summary>
public sealed record LoadStep
{
    public string Scenario { get; init; } = string.Empty;

    public string Payload { get; init; } = string.Empty;

    public string? Backend { get; init; }

    public string? Target { get; init; }

    /// <summary><c>closed</c> (a fixed number of users) or <c>open</c> (a fixed arrival rate).</summary>
    public string Mode { get; init; } = "closed";

    public int? Users { get; init; }

    public double? Rate { get; init; }

    public double DurationS { get; init; }

    public long Requests { get; init; }

    public double Rps { get; init; }

    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public Dictionary<string, long> Failures { get; init; } = [];

    public long Timeouts { get; init; }

    public bool Stable { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<LoadStep> Read(string path)
    {
        using var stream = File.OpenRead(path);
        var summary = JsonSerializer.Deserialize<Summary>(stream, JsonOptions)
            ?? throw new InvalidDataException($"{path} holds no load summary");
        return summary.Steps;
    }

    private sealed record Summary(IReadOnlyList<LoadStep> Steps);
}
