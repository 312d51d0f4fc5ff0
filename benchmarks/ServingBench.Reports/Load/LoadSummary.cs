using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServingBench.Reports.Load;

/// <summary>
/// <c>load/summary.json</c>: one entry per measured step. The load verb writes it and the report verb reads it, so the
/// keys are a contract (snake_case, exactly as named here); docs/load.md says what each one means.
/// </summary>
public sealed class LoadSummary
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    [JsonPropertyName("steps")]
    public IReadOnlyList<LoadStepSummary> Steps { get; init; } = [];

    /// <summary>The objectives of <c>load --slo</c> and, per series, the highest step that met them; absent without <c>--slo</c>.</summary>
    [JsonPropertyName("slo")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SloSummary? Slo { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <exception cref="JsonException">The text is not a load summary.</exception>
    public static LoadSummary FromJson(string json) =>
        JsonSerializer.Deserialize<LoadSummary>(json, Options) ?? throw new JsonException("summary.json holds null");

    public static LoadSummary Read(string path) => FromJson(File.ReadAllText(path));
}

/// <summary>One step: a user count (closed loop) or an arrival rate (open loop) held for <see cref="DurationSeconds"/>.</summary>
public sealed record LoadStepSummary
{
    public const string Closed = "closed";
    public const string Open = "open";

    [JsonPropertyName("scenario")] public required string Scenario { get; init; }
    [JsonPropertyName("payload")] public required string Payload { get; init; }
    [JsonPropertyName("backend")] public required string Backend { get; init; }

    /// <summary>"emulator (child process)", "emulator (in process)" or the real server's address.</summary>
    [JsonPropertyName("target")] public required string Target { get; init; }

    /// <summary>
    /// The load client: "full" (the suite's clients, encode and decode per request) or "lean" (pre-encoded bytes,
    /// answers counted); null in summaries written before it was recorded.
    /// </summary>
    [JsonPropertyName("client")] public string? Client { get; init; }

    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("users")] public int? Users { get; init; }
    [JsonPropertyName("rate")] public double? Rate { get; init; }
    [JsonPropertyName("arrival")] public string? Arrival { get; init; }
    [JsonPropertyName("duration_s")] public double DurationSeconds { get; init; }

    /// <summary>Successful responses in the measured windows.</summary>
    [JsonPropertyName("requests")] public long Requests { get; init; }

    [JsonPropertyName("rps")] public double Rps { get; init; }
    [JsonPropertyName("mean_us")] public double MeanUs { get; init; }
    [JsonPropertyName("p50_us")] public long P50Us { get; init; }
    [JsonPropertyName("p90_us")] public long P90Us { get; init; }
    [JsonPropertyName("p95_us")] public long P95Us { get; init; }
    [JsonPropertyName("p99_us")] public long P99Us { get; init; }
    [JsonPropertyName("p999_us")] public long P999Us { get; init; }
    [JsonPropertyName("max_us")] public long MaxUs { get; init; }

    /// <summary>Refused requests by status: the HTTP code ("503") or the gRPC code's name ("Unavailable").</summary>
    [JsonPropertyName("failures")] public IReadOnlyDictionary<string, long> Failures { get; init; } = new Dictionary<string, long>();

    [JsonPropertyName("timeouts")] public long Timeouts { get; init; }
    [JsonPropertyName("late_sends")] public long LateSends { get; init; }
    [JsonPropertyName("stable")] public bool Stable { get; init; }

    /// <summary>"i/N" for one worker's share; null for a whole run (single process or merged).</summary>
    [JsonPropertyName("worker")] public string? Worker { get; init; }

    // Where the time went, from the server's own statistics (docs/server-statistics.md): deltas of its cumulative
    // counters over the step, per request it answered, µs. Null where the server published nothing (the note says what
    // was tried), where a framework does not split that stage, in merged runs, and in summaries written before them.

    /// <summary>What was read ("triton statistics http://…/v2/models/resnet50/stats"), or one line on why nothing was.</summary>
    [JsonPropertyName("server_statistics")] public string? ServerStatistics { get; init; }

    /// <summary>Requests the server counted as answered during the step.</summary>
    [JsonPropertyName("server_requests")] public long? ServerRequests { get; init; }

    /// <summary>The whole request inside the server (Triton success, TorchServe inference latency, TF Serving request latency).</summary>
    [JsonPropertyName("server_request_us")] public double? ServerRequestUs { get; init; }

    [JsonPropertyName("server_queue_us")] public double? ServerQueueUs { get; init; }
    [JsonPropertyName("server_compute_input_us")] public double? ServerComputeInputUs { get; init; }

    /// <summary>The engine: Triton compute_infer, TorchServe inference minus queue latency, TF Serving runtime latency.</summary>
    [JsonPropertyName("server_compute_infer_us")] public double? ServerComputeInferUs { get; init; }

    [JsonPropertyName("server_compute_output_us")] public double? ServerComputeOutputUs { get; init; }

    /// <summary>Model executions the server counted during the step (Triton execution_count); null where it publishes none.</summary>
    [JsonPropertyName("server_executions")] public long? ServerExecutions { get; init; }

    /// <summary>Rows per execution the server formed (Δinference_count / Δexecution_count): above 1 when it merged requests.</summary>
    [JsonPropertyName("server_mean_batch")] public double? ServerMeanBatch { get; init; }

    /// <summary>Executions per formed batch size during the step (Triton batch_stats deltas), keyed by the size.</summary>
    [JsonPropertyName("server_batch_sizes")] public IReadOnlyDictionary<string, long>? ServerBatchSizes { get; init; }

    /// <summary>mean_us − server_request_us: network, protocol and the client's own encode and decode.</summary>
    [JsonPropertyName("network_protocol_us")] public double? NetworkProtocolUs { get; init; }

    /// <summary>CPU time of the server's process per answered request (the emulator child the run started; null for others).</summary>
    [JsonPropertyName("server_cpu_us")] public double? ServerCpuUs { get; init; }

    /// <summary>CPU time of the load generator's process per answered request (with --in-process, the emulators' too).</summary>
    [JsonPropertyName("client_cpu_us")] public double? ClientCpuUs { get; init; }

    /// <summary>Each objective of <c>load --slo</c> against this step; absent without <c>--slo</c> (and in summaries written before it).</summary>
    [JsonPropertyName("objectives")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ObjectiveVerdict>? Objectives { get; init; }

    /// <summary>True when every objective was met; null without objectives.</summary>
    [JsonIgnore] public bool? MeetsObjectives => Objectives?.All(o => o.Met);

    /// <summary>scenario/payload/backend: the series a chart draws one line for.</summary>
    [JsonIgnore] public string Series => $"{Scenario}/{Payload}/{Backend}";

    /// <summary>The x value of this step: users for a closed loop, requests/s offered for an open one.</summary>
    [JsonIgnore] public double Load => Mode == Open ? Rate ?? 0 : Users ?? 0;

    /// <summary>The step's load as a reader names it: <c>25 users</c> or <c>50/s poisson</c>.</summary>
    [JsonIgnore]
    public string LoadText => Mode == Open
        ? FormattableString.Invariant($"{Rate:0.###}/s {Arrival}")
        : FormattableString.Invariant($"{Users} users");
}

/// <summary>One objective against one step: the step's figure in the objective's unit and whether it met the objective.</summary>
public sealed record ObjectiveVerdict
{
    /// <summary>The objective as written (<c>p99&lt;250ms</c>).</summary>
    [JsonPropertyName("objective")] public required string Objective { get; init; }

    /// <summary>The step's figure in <see cref="Unit"/>; null when it has none (no answer, or no attempt).</summary>
    [JsonPropertyName("measured")] public double? Measured { get; init; }

    [JsonPropertyName("unit")] public required string Unit { get; init; }

    [JsonPropertyName("met")] public required bool Met { get; init; }
}

/// <summary>The objectives of a run and, per series, the highest load at which a step met all of them.</summary>
public sealed record SloSummary
{
    [JsonPropertyName("objectives")] public required IReadOnlyList<string> Objectives { get; init; }

    [JsonPropertyName("series")] public required IReadOnlyList<SeriesObjectiveResult> Series { get; init; }

    /// <summary>True when every series has a step that met every objective (the load verb exits 3 otherwise).</summary>
    [JsonIgnore] public bool Met => Series.All(s => s.Met);
}

/// <summary>One series under the objectives: the highest load (users or offered rate) at which a step met them all.</summary>
public sealed record SeriesObjectiveResult
{
    /// <summary>scenario/payload/backend.</summary>
    [JsonPropertyName("series")] public required string Series { get; init; }

    [JsonPropertyName("mode")] public required string Mode { get; init; }

    /// <summary>Users (closed loop) or requests/s offered (open loop) of the highest step that met every objective; null when none did.</summary>
    [JsonPropertyName("highest_load_met")] public double? HighestLoadMet { get; init; }

    /// <summary>That step's load as a reader names it (<c>25 users</c>); null when no step met the objectives.</summary>
    [JsonPropertyName("highest_step_met")] public string? HighestStepMet { get; init; }

    [JsonPropertyName("met")] public bool Met => HighestLoadMet is not null;
}
