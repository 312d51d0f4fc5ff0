using ServingBench.Composition;
using System.Text.RegularExpressions;
using ServingBench.Load;
using ServingBench.Reports.Load;

namespace ServingBench.Verbs;

/// <summary>
/// A validated load run: which scenario × payload cells, which steps, how long, against what. Every check of the
/// user's input happens here, before anything starts, and fails with a <see cref="LoadInputException"/> naming the
/// option (or environment variable) at fault.
/// </summary>
internal sealed record LoadPlan
{
    public static readonly IReadOnlyList<string> Backends = BackendFactory.Names;

    public required IReadOnlyList<(Scenario Scenario, PayloadKind Payload)> Cells { get; init; }
    public required string Backend { get; init; }
    public required IReadOnlyList<LoadStep> Steps { get; init; }
    public required LoadTiming Timing { get; init; }
    public Uri? Target { get; init; }
    public bool InProcess { get; init; }
    public int? ServerWorkers { get; init; }
    public int? QueueSize { get; init; }

    /// <summary>Options the child <c>serve</c> gets besides the plan's own (<c>--serve-options</c>: its batching settings).</summary>
    public IReadOnlyList<string> ServeOptions { get; init; } = [];

    /// <summary>
    /// True when <see cref="ServeOptions"/> set any of the servers' batching options. The steps' backend then reads
    /// <c>onnx+batching</c>, so a page holding runs with and without server batching draws them as separate series.
    /// </summary>
    public bool ServerBatching => ServeOptions.Any(BatchingOptionNames.Contains);

    private static readonly HashSet<string> BatchingOptionNames = [.. new ServeBatchingOptions().All.Select(o => o.Name)];

    /// <summary>The backend as the steps name it: <see cref="Backend"/>, with <c>+batching</c> when <see cref="ServerBatching"/>.</summary>
    public string BackendLabel => ServerBatching ? Backend + "+batching" : Backend;

    public WorkerShare Worker { get; init; } = WorkerShare.Alone;
    public DateTimeOffset? StartAt { get; init; }
    public string? Output { get; init; }

    /// <summary>The lean client (<see cref="PreEncodedHttpSender"/>) instead of the suite's full clients.</summary>
    public bool Lean { get; init; }

    /// <summary>Whether each step reads the server's own statistics (<c>--server-statistics</c>).</summary>
    public bool ReadServerStatistics { get; init; } = true;

    /// <summary>The objectives of <c>--slo</c>, judged per step; empty for none.</summary>
    public IReadOnlyList<ServiceObjective> Objectives { get; init; } = [];

    /// <summary>The values of <c>--client</c>.</summary>
    public static readonly IReadOnlyList<string> Clients = ["full", "lean"];

    public static LoadPlan From(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var selectedScenarios = SelectScenarios(options.Scenarios);
        var selectedPayloads = List(options.Payloads).Select(name => ScenarioCatalog.Payloads.FirstOrDefault(p => p.Name == name)
            ?? throw new LoadInputException($"--payload: unknown payload '{name}'; known: {string.Join(", ", ScenarioCatalog.Payloads)}")).ToArray();
        var cells = (from payload in selectedPayloads
                     from scenario in selectedScenarios
                     where ScenarioCatalog.Supports(scenario, payload)
                     select (scenario, payload)).ToArray();
        if (cells.Length == 0)
        {
            throw new LoadInputException($"no selected scenario carries payload {options.Payloads} (resnet50-jpeg goes to torchserve-rest-raw and torchserve-grpc-raw only)");
        }

        if (!Backends.Contains(options.Backend))
        {
            throw new LoadInputException($"--backend: unknown backend '{options.Backend}'; available in this build: {string.Join(", ", Backends)}");
        }

        if (options.Users is not null && options.Rates is not null)
        {
            throw new LoadInputException("--users and --rate exclude each other (a closed loop or an open loop)");
        }

        var arrivalProcess = options.Arrival.ToLowerInvariant() switch
        {
            "poisson" => ArrivalProcess.Poisson,
            "constant" => ArrivalProcess.Constant,
            _ => throw new LoadInputException($"--arrival '{options.Arrival}' is not poisson or constant"),
        };
        var steps = options.Rates is not null
            ? List(options.Rates).Select(r => LoadStep.Open(ParsePositive(r, "--rate"), arrivalProcess)).ToArray()
            : List(options.Users ?? LoadOptions.DefaultUsers).Select(u => LoadStep.Closed((int)ParsePositive(u, "--users", whole: true))).ToArray();

        var duration = LoadVerb.ParseDuration(options.Duration, "--duration");
        var window = options.Window is null
            ? TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, duration.Ticks / 3))
            : LoadVerb.ParseDuration(options.Window, "--window");
        var loadTiming = new LoadTiming
        {
            Duration = duration,
            Warmup = LoadVerb.ParseDuration(options.Warmup, "--warmup"),
            Window = window,
            ThinkTime = LoadVerb.ParseDuration(options.ThinkTime, "--think-time"),
            RequestTimeout = LoadVerb.ParseDuration(options.Timeout, "--timeout"),
            ExtraWindows = options.ExtraWindows,
            Seed = options.Seed,
        };
        if (window < TimeSpan.FromMilliseconds(100))
        {
            throw new LoadInputException(FormattableString.Invariant($"--duration {duration.TotalSeconds:0.###}s is too short for one measurement window (100 ms at least; three windows make a step)"));
        }

        if (loadTiming.Validate() is { } problem)
        {
            throw new LoadInputException(problem);
        }

        Uri? targetAddress = null;
        if (options.Target is not null)
        {
            if (!Uri.TryCreate(options.Target, UriKind.Absolute, out targetAddress) || (targetAddress.Scheme != Uri.UriSchemeHttp && targetAddress.Scheme != Uri.UriSchemeHttps))
            {
                throw new LoadInputException($"--target '{options.Target}' is not an http:// or https:// address");
            }

            if (cells.Select(c => (c.scenario.Framework, c.scenario.Protocol)).Distinct().Count() > 1)
            {
                throw new LoadInputException("--target names one server, but the selected scenarios need several frameworks or protocols; use SERVINGBENCH_<FRAMEWORK>_<PROTOCOL> per server");
            }
        }
        else
        {
            foreach (var (scenario, _) in cells)
            {
                try
                {
                    _ = RunSettings.Servers().Address(scenario.Framework, scenario.Protocol);
                }
                catch (SettingsException ex)
                {
                    throw new LoadInputException(ex.Message);
                }
            }
        }

        if (options.ServerWorkers is < 1 || options.QueueSize is < 0)
        {
            throw new LoadInputException("--server-workers must be at least 1 and --queue-size at least 0");
        }

        string[] serveOptions = options.ServeOptions?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (serveOptions.Length > 0 && (options.InProcess || targetAddress is not null))
        {
            throw new LoadInputException($"--serve-options '{options.ServeOptions}' configures the child server the run starts; it cannot go with {(options.InProcess ? "--in-process" : "--target")}");
        }

        var share = WorkerShare.Alone;
        if (options.Worker is not null)
        {
            share = WorkerShare.TryParse(options.Worker, out string? workerProblem) ?? throw new LoadInputException(workerProblem!);
        }

        DateTimeOffset? start = null;
        if (options.StartAt is not null)
        {
            if (!DateTimeOffset.TryParse(options.StartAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                throw new LoadInputException($"--start-at '{options.StartAt}' is not a time such as 2026-01-31T12:00:00Z");
            }

            start = parsed;
        }

        if (!Clients.Contains(options.Client))
        {
            throw new LoadInputException($"--client '{options.Client}' is not one of {string.Join(", ", Clients)}");
        }

        if (options.ServerStatistics is not ("on" or "off"))
        {
            throw new LoadInputException($"--server-statistics '{options.ServerStatistics}' is not on or off");
        }

        bool lean = options.Client == "lean";
        if (lean && targetAddress?.Scheme == Uri.UriSchemeHttps)
        {
            throw new LoadInputException($"--client lean speaks cleartext HTTP/1.1 and HTTP/2 only, and --target '{options.Target}' is https; use --client full");
        }

        return new LoadPlan
        {
            Cells = cells,
            Backend = options.Backend,
            Steps = steps,
            Timing = loadTiming,
            Target = targetAddress,
            InProcess = options.InProcess,
            ServerWorkers = options.ServerWorkers,
            QueueSize = options.QueueSize,
            ServeOptions = serveOptions,
            Worker = share,
            StartAt = start,
            Output = options.Output is null ? null : Path.GetFullPath(options.Output),
            Lean = lean,
            ReadServerStatistics = options.ServerStatistics == "on",
            Objectives = ParseObjectives(options.Slo),
        };
    }

    /// <summary>The objectives of <c>--slo</c>; a malformed one is the user's mistake, named with the option.</summary>
    internal static IReadOnlyList<ServiceObjective> ParseObjectives(string? slo)
    {
        if (slo is null)
        {
            return [];
        }

        try
        {
            return ServiceObjective.ParseList(slo);
        }
        catch (FormatException ex)
        {
            throw new LoadInputException($"--slo {ex.Message}");
        }
    }

    private static Scenario[] SelectScenarios(string text)
    {
        var selected = new List<Scenario>();
        foreach (string pattern in List(text))
        {
            var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            var matches = ScenarioCatalog.Scenarios.Where(s => regex.IsMatch(s.Name)).ToArray();
            if (matches.Length == 0)
            {
                throw new LoadInputException($"--scenario: '{pattern}' matches no scenario; known: {string.Join(", ", ScenarioCatalog.Scenarios.Select(s => s.Name))}");
            }

            selected.AddRange(matches.Where(m => !selected.Contains(m)));
        }

        return [.. selected];
    }

    private static string[] List(string text)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new LoadInputException($"empty list '{text}'");
    }

    private static double ParsePositive(string text, string option, bool whole = false)
    {
        var style = whole ? NumberStyles.None : NumberStyles.AllowDecimalPoint;
        if (!double.TryParse(text, style, CultureInfo.InvariantCulture, out double value) || !(value > 0) || value > 1_000_000)
        {
            throw new LoadInputException($"{option} '{text}' must be a {(whole ? "whole number" : "number")} greater than 0 (and at most 1000000)");
        }

        return value;
    }
}
