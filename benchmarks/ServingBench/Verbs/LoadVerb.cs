using System.CommandLine;
using System.Runtime.InteropServices;
using ServingBench.Load;
using ServingBench.Reports.Load;

namespace ServingBench.Verbs;

/// <summary>
/// <c>load</c>: the serving studies' experiments. Closed-loop users or open-loop arrival rates against the emulators
/// (a child process by default) or real servers; summary, perf_analyzer CSV, interval logs and charts in a run folder.
/// <c>load merge &lt;folders&gt;</c> combines the outputs of <c>--worker i/N</c> runs into one result.
/// </summary>
internal static class LoadVerb
{
    /// <summary>Exit code when a series has no step that meets every <c>--slo</c> objective.</summary>
    public const int ObjectiveMissed = 3;

    /// <summary>Every option's default, from one place.</summary>
    private static readonly LoadOptions Defaults = new() { Scenarios = string.Empty };

    private static readonly Option<string> Scenario = new("--scenario", "-s")
    {
        Description = "Scenario name or glob, comma-separated (e.g. triton-grpc-raw, 'triton-*').",
        Required = true,
    };

    private static readonly Option<string> Payload = new("--payload", "-p")
    {
        Description = "Payload name(s), comma-separated: resnet50-tensor, resnet50-jpeg, wav2vec2-audio, bart-text.",
        DefaultValueFactory = _ => Defaults.Payloads,
    };

    private static readonly Option<string> Backend = new("--backend")
    {
        Description = "What answers behind the emulators: canned (zero compute; the backends this build has are listed when another is asked for).",
        DefaultValueFactory = _ => Defaults.Backend,
    };

    private static readonly Option<string?> Users = new("--users") { Description = $"Closed loop: virtual users per step (default {LoadOptions.DefaultUsers})." };

    private static readonly Option<string?> Rate = new("--rate") { Description = "Open loop: arrivals per second per step, e.g. 10,50,100 (instead of --users)." };

    private static readonly Option<string> Arrival = new("--arrival")
    {
        Description = "Open loop arrivals: poisson or constant.",
        DefaultValueFactory = _ => Defaults.Arrival,
    };

    private static readonly Option<string> Duration = new("--duration") { Description = "Measured time per step (60s, 500ms, 2m).", DefaultValueFactory = _ => Defaults.Duration };
    private static readonly Option<string> Warmup = new("--warmup") { Description = "Unmeasured run-in per step.", DefaultValueFactory = _ => Defaults.Warmup };
    private static readonly Option<string?> Window = new("--window") { Description = "Measurement window; the stability rule compares the last three (default: 5s, or a third of --duration if shorter)." };
    private static readonly Option<int> ExtraWindows = new("--extra-windows") { Description = "Windows added at most while a step is unstable.", DefaultValueFactory = _ => Defaults.ExtraWindows };
    private static readonly Option<string> ThinkTime = new("--think-time") { Description = "Closed loop: pause between a user's answer and its next request.", DefaultValueFactory = _ => Defaults.ThinkTime };
    private static readonly Option<string> Timeout = new("--timeout") { Description = "A request unanswered this long is cancelled and counted as a timeout.", DefaultValueFactory = _ => Defaults.Timeout };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the arrival schedule.", DefaultValueFactory = _ => Defaults.Seed };
    private static readonly Option<string?> Target = new("--target") { Description = "A real server's base address for every selected scenario (else SERVINGBENCH_<FRAMEWORK>_<PROTOCOL>, else the emulators)." };
    private static readonly Option<bool> InProcess = new("--in-process") { Description = "Run the emulators inside this process instead of a child (shares GC and thread pool)." };
    private static readonly Option<int?> ServerWorkers = new("--server-workers") { Description = "TorchServe emulator: workers per model (config.properties default_workers_per_model)." };
    private static readonly Option<int?> QueueSize = new("--queue-size") { Description = "TorchServe emulator: job_queue_size (requests beyond it get 503)." };
    private static readonly Option<string?> ServeOptions = new("--serve-options")
    {
        Description = "Options for the child serve, in one quoted string, e.g. \"--triton-max-queue-delay-us 2000 --tfserving-enable-batching --torchserve-batch-size 8\" (server batching; see help serve).",
    };

    private static readonly Option<string?> Worker = new("--worker") { Description = "This process's share i/N of every step (run N of them, then load merge)." };
    private static readonly Option<string?> StartAt = new("--start-at") { Description = "UTC time all workers start at (ISO 8601), so their steps line up." };
    private static readonly Option<string> Client = new("--client")
    {
        Description = "full: the suite's clients, every request encoded and every answer decoded and checked (the RoundTrip benchmarks' path); "
            + "lean: the same request bytes encoded once and replayed (REST on keep-alive sockets as wrk does, gRPC as concurrent streams of one "
            + "HTTP/2 connection as h2load does), each answer read whole and its status checked: the generator takes least CPU from the server.",
        DefaultValueFactory = _ => Defaults.Client,
    };

    private static readonly Option<string?> Slo = new("--slo")
    {
        Description = "Service-level objectives, comma-separated: p99<250ms, p50<100ms, failures<1%, rps>=100 (metrics p50 p90 p95 p99 p999 mean max rps failures; "
            + "operators < <= > >=). Each step is judged; summary.md says per series the highest step that meets them all, and the run exits 3 when a series has none.",
    };

    private static readonly Option<string> ServerStatistics = new("--server-statistics")
    {
        Description = "on: read the server's own statistics before and after each step (where the time went); off: read none, to see what reading them costs.",
        DefaultValueFactory = _ => Defaults.ServerStatistics,
    };

    private static readonly Option<string?> Output = new("--output", "-o") { Description = "Folder for the outputs (default: <results>/runs/<time>-<host>/load, with the run's manifest)." };

    public static Command Create()
    {
        var command = new Command("load", "Closed-loop users or open-loop arrival rates against the emulators or real servers: percentiles, failures, CSV, interval logs, charts.")
        {
            Scenario, Payload, Backend, Users, Rate, Arrival, Duration, Warmup, Window, ExtraWindows, ThinkTime, Timeout, Seed,
            Target, InProcess, ServerWorkers, QueueSize, ServeOptions, Worker, StartAt, Output, Client, Slo, ServerStatistics,
        };
        command.SetAction(parse => Run(parse));
        command.Subcommands.Add(CreateMerge());
        return command;
    }

    private static Command CreateMerge()
    {
        var folders = new Argument<string[]>("folders") { Description = "The load/ folders (or run folders) of every worker.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for the merged outputs (default: a new run folder)." };
        var slo = new Option<string?>("--slo") { Description = "Objectives to judge the merged steps by, as for load --slo (exit 3 when a series has no step meeting them)." };
        var merge = new Command("merge", "Combine the outputs of --worker i/N runs (their .hlog interval logs) into one result.") { folders, output, slo };
        merge.SetAction(parse => Merge(parse.GetValue(folders)!, parse.GetValue(output), parse.GetValue(slo)));
        return merge;
    }

    private static int Run(ParseResult parse)
    {
        LoadPlan plan;
        try
        {
            plan = LoadPlan.From(new LoadOptions
            {
                Scenarios = parse.GetValue(Scenario)!,
                Payloads = parse.GetValue(Payload)!,
                Backend = parse.GetValue(Backend)!,
                Users = parse.GetValue(Users),
                Rates = parse.GetValue(Rate),
                Arrival = parse.GetValue(Arrival)!,
                Duration = parse.GetValue(Duration)!,
                Warmup = parse.GetValue(Warmup)!,
                Window = parse.GetValue(Window),
                ThinkTime = parse.GetValue(ThinkTime)!,
                Timeout = parse.GetValue(Timeout)!,
                ExtraWindows = parse.GetValue(ExtraWindows),
                Seed = parse.GetValue(Seed),
                Target = parse.GetValue(Target),
                InProcess = parse.GetValue(InProcess),
                ServerWorkers = parse.GetValue(ServerWorkers),
                QueueSize = parse.GetValue(QueueSize),
                ServeOptions = parse.GetValue(ServeOptions),
                Worker = parse.GetValue(Worker),
                StartAt = parse.GetValue(StartAt),
                Output = parse.GetValue(Output),
                Client = parse.GetValue(Client)!,
                Slo = parse.GetValue(Slo),
                ServerStatistics = parse.GetValue(ServerStatistics)!,
            });
        }
        catch (LoadInputException ex)
        {
            Console.Error.WriteLine($"load: {ex.Message}");
            return 2;
        }

        using var abort = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        try
        {
            return LoadSession.RunAsync(plan, Console.Out, abort.Token).GetAwaiter().GetResult();
        }
        catch (LoadInputException ex)
        {
            Console.Error.WriteLine($"load: {ex.Message}");
            return 1;
        }

        void Interrupt(PosixSignalContext context)
        {
            // The first Ctrl+C ends the run gracefully (outputs written, child stopped); a second one is the runtime's.
            if (!abort.IsCancellationRequested)
            {
                context.Cancel = true;
                Console.Error.WriteLine("load: interrupted; writing what was measured and stopping the server");
                abort.Cancel();
            }
        }
    }

    private static int Merge(string[] folders, string? output, string? slo)
    {
        IReadOnlyList<ServiceObjective> objectives;
        try
        {
            objectives = LoadPlan.ParseObjectives(slo);
        }
        catch (LoadInputException ex)
        {
            Console.Error.WriteLine($"load merge: {ex.Message}");
            return 2;
        }

        try
        {
            var loadFolders = folders.Select(LoadFolderOf).ToArray();
            var merged = LoadMerge.Merge(loadFolders);
            var started = DateTimeOffset.UtcNow;
            var run = output is null ? LoadRunRecord.Create(started) : null;
            string target = run?.LoadDirectory ?? Path.GetFullPath(output!);
            var outcome = LoadOutputs.WriteAll(target, merged, objectives: objectives);
            if (run is not null)
            {
                LoadRunRecord.Finish(run, started, null);
            }

            Console.WriteLine($"load merge: {merged.Count} steps from {folders.Length} workers -> {target}");
            return ReportObjectives(outcome, objectives, Console.Out);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"load merge: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Prints each series' highest step that met the objectives; <see cref="ObjectiveMissed"/> when a series has none.</summary>
    internal static int ReportObjectives(SloSummary? outcome, IReadOnlyList<ServiceObjective> objectives, TextWriter output)
    {
        if (outcome is null)
        {
            return 0;
        }

        output.Write(ObjectiveEvaluation.Describe(outcome, objectives));
        return outcome.Met ? 0 : ObjectiveMissed;
    }

    /// <summary>A worker's load/ folder, given it or the run folder above it.</summary>
    private static string LoadFolderOf(string folder)
    {
        string full = Path.GetFullPath(folder);
        string nested = Path.Combine(full, "load");
        return File.Exists(Path.Combine(nested, LoadOutputs.SummaryJson)) ? nested : full;
    }

    /// <summary>Parses "60s", "500ms", "2m", "1.5s" (a bare number is seconds); the option's name in the error.</summary>
    internal static TimeSpan ParseDuration(string text, string option)
    {
        string value = text.Trim();
        (string number, double scale) = value switch
        {
            _ when value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (value[..^2], 0.001),
            _ when value.EndsWith('s') || value.EndsWith('S') => (value[..^1], 1.0),
            _ when value.EndsWith('m') || value.EndsWith('M') => (value[..^1], 60.0),
            _ => (value, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount) || amount * scale > 86_400)
        {
            throw new LoadInputException($"{option} '{text}' is not a duration such as 60s, 500ms or 2m");
        }

        return TimeSpan.FromSeconds(amount * scale);
    }
}

/// <summary>A user mistake in the load verb's input: reported as one line, never a stack trace.</summary>
internal sealed class LoadInputException : Exception
{
    public LoadInputException(string message)
        : base(message)
    {
    }

    public LoadInputException()
    {
    }

    public LoadInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
