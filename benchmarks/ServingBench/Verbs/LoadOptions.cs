namespace ServingBench.Verbs;

/// <summary>
/// The load verb's options as the user gave them, text not yet checked: what <see cref="LoadPlan.From"/> validates.
/// Each property defaults to the verb's default, so a caller (the verb, a test) names only what it sets.
/// </summary>
internal sealed record LoadOptions
{
    /// <summary>The studies' closed-loop sweep.</summary>
    public const string DefaultUsers = "1,10,25,50,75,100";

    /// <summary>Scenario names or globs, comma-separated (<c>--scenario</c>).</summary>
    public required string Scenarios { get; init; }

    /// <summary>Payload names, comma-separated (<c>--payload</c>).</summary>
    public string Payloads { get; init; } = "resnet50-tensor";

    public string Backend { get; init; } = "canned";

    /// <summary>Closed loop: users per step; null is <see cref="DefaultUsers"/> unless <see cref="Rates"/> is set.</summary>
    public string? Users { get; init; }

    /// <summary>Open loop: arrivals per second per step.</summary>
    public string? Rates { get; init; }

    public string Arrival { get; init; } = "poisson";

    public string Duration { get; init; } = "60s";

    public string Warmup { get; init; } = "5s";

    /// <summary>Null: 5 s, or a third of <see cref="Duration"/> if that is shorter.</summary>
    public string? Window { get; init; }

    public string ThinkTime { get; init; } = "0s";

    public string Timeout { get; init; } = "30s";

    public int ExtraWindows { get; init; } = 3;

    public int Seed { get; init; } = 12345;

    public string? Target { get; init; }

    public bool InProcess { get; init; }

    public int? ServerWorkers { get; init; }

    public int? QueueSize { get; init; }

    /// <summary>
    /// <c>serve</c> options for the child server, space-separated (<c>--triton-max-queue-delay-us 2000</c>): how a run
    /// drives a batching server. The child refuses a bad one with its own one-line error.
    /// </summary>
    public string? ServeOptions { get; init; }

    /// <summary>This process's share, <c>i/N</c>.</summary>
    public string? Worker { get; init; }

    public string? StartAt { get; init; }

    public string? Output { get; init; }

    /// <summary><c>full</c> or <c>lean</c>.</summary>
    public string Client { get; init; } = "full";

    /// <summary><c>on</c> reads the server's own statistics around each step; <c>off</c> reads none (what a step with them costs).</summary>
    public string ServerStatistics { get; init; } = "on";

    /// <summary>Service-level objectives, comma-separated (<c>p99&lt;250ms,failures&lt;1%</c>); null for none.</summary>
    public string? Slo { get; init; }
}
