using System.CommandLine;
using ServingBench.Composition;
using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Hosting;

namespace ServingBench.Verbs;

/// <summary>
/// <c>serve</c>: the TF Serving, TorchServe and Triton emulators on the frameworks' real default ports (+ an offset)
/// until Ctrl+C or SIGTERM, with the chosen backend behind them. Every endpoint is printed once they listen.
/// </summary>
internal static class ServeVerb
{
    /// <summary>Keeps every default port (7070 … 8501) inside 1–65535.</summary>
    private const int MinPortOffset = -7000;
    private const int MaxPortOffset = 57000;

    public static Command Create()
    {
        var framework = OptionRules.Framework("Which emulators to run.");

        var portOffset = new Option<int>("--port-offset")
        {
            Description = "Added to every default port (TF Serving 8500/8501, TorchServe 8080/8081/7070, Triton 8000/8001).",
        };
        portOffset.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value is < MinPortOffset or > MaxPortOffset)
            {
                result.AddError($"--port-offset {value} puts a port outside 1-65535; use {MinPortOffset}..{MaxPortOffset}");
            }
        });

        var freePorts = new Option<bool>("--free-ports")
        {
            Description = "Let the OS pick every port (the listing shows them): how the load verb starts its own server.",
        };

        var host = new Option<string>("--host")
        {
            Description = "Address to bind (loopback unless you mean to expose the emulators).",
            DefaultValueFactory = _ => "127.0.0.1",
        };

        var answers = new Option<string>("--torchserve-answers")
        {
            Description = "default: files get TorchServe's stock handler answers (top-5 labels, transcript, summary); tensor: the model output as custom-handler JSON.",
            DefaultValueFactory = _ => "default",
        };
        answers.AcceptOnlyFromAmong("default", "tensor");

        var backend = new Option<string>("--backend")
        {
            Description = "What answers: canned (zero-compute outputs of the real shapes) or onnx (the models on ONNX Runtime).",
            DefaultValueFactory = _ => BackendFactory.Canned,
        };
        backend.AcceptOnlyFromAmong([.. BackendFactory.Names]);

        var workers = new Option<int>("--workers")
        {
            Description = "TorchServe workers per model (default_workers_per_model): jobs that run at once; also Triton's and TF Serving's instances per model and the onnx backend's engines per model.",
            DefaultValueFactory = _ => EmulatorOptions.DefaultWorkers,
        };
        workers.Validators.Add(result => OptionRules.AtLeast(result, 1));

        var queueSize = new Option<int>("--queue-size")
        {
            Description = "TorchServe job_queue_size: jobs waiting beyond the busy workers before a 503.",
            DefaultValueFactory = _ => EmulatorOptions.DefaultQueueSize,
        };
        queueSize.Validators.Add(result => OptionRules.AtLeast(result, 0));

        var readyJson = new Option<bool>("--ready-json")
        {
            Description = "Print one JSON line with every bound endpoint once all listen, instead of the table (what a parent process reads).",
        };

        var batching = new ServeBatchingOptions();
        var command = new Command("serve", "Run the TF Serving, TorchServe and Triton emulators on their default ports until Ctrl+C or SIGTERM.")
        {
            framework, portOffset, freePorts, host, answers, backend, workers, queueSize, readyJson,
        };
        batching.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new ServeSettings(
                Frameworks(parse.GetValue(framework)!),
                parse.GetValue(backend)!,
                batching.Apply(parse, new EmulatorOptions
                {
                    UseDefaultPorts = !parse.GetValue(freePorts),
                    PortOffset = parse.GetValue(portOffset),
                    Host = parse.GetValue(host)!,
                    TorchServeDefaultHandlers = parse.GetValue(answers) == "default",
                    TorchServeWorkers = parse.GetValue(workers),
                    InstancesPerModel = parse.GetValue(workers),
                    TorchServeQueueSize = parse.GetValue(queueSize),
                }),
                parse.GetValue(readyJson));
            return RunAsync(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>Starts the servers, prints their endpoints, and runs until <paramref name="cancellationToken"/> fires.</summary>
    /// <remarks>System.CommandLine turns Ctrl+C and SIGTERM into that cancellation, so shutdown is the same path either way.</remarks>
    internal static async Task<int> RunAsync(ServeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        RunningEmulators running;
        IInferenceBackend backend;
        try
        {
            backend = BackendFactory.Create(settings.Backend, settings.Options.TorchServeWorkers);
            running = await EmulatedServers.StartAsync(settings.Options with { Backend = backend }, settings.Frameworks, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PortUnavailableException or ArgumentException or InvalidDataException or InvalidOperationException)
        {
            await error.WriteLineAsync($"serve: {ex.Message}").ConfigureAwait(false);
            return ex is PortUnavailableException ? 1 : 2;
        }

        await using (running.ConfigureAwait(false))
        {
            if (settings.ReadyJson)
            {
                await output.WriteLineAsync(ServeAnnouncement.Ready(backend.Name, running.Endpoints).ToJsonLine()).ConfigureAwait(false);
            }
            else
            {
                await PrintEndpointsAsync(settings, running, backend, output).ConfigureAwait(false);
            }

            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C, SIGTERM or the caller's token: stop cleanly below.
            }

            if (!settings.ReadyJson)
            {
                await output.WriteLineAsync("Stopping emulators.").ConfigureAwait(false);
            }
        }

        (backend as IDisposable)?.Dispose();
        return 0;
    }

    /// <summary>The table a person reads: each endpoint on a line of its own.</summary>
    private static async Task PrintEndpointsAsync(ServeSettings settings, RunningEmulators running, IInferenceBackend backend, TextWriter output)
    {
        await output.WriteLineAsync(
            $"ServingBench emulators ({backend.Name} backend; models {string.Join(", ", settings.Options.Models.Select(m => m.Name))}):").ConfigureAwait(false);
        foreach (var endpoint in running.Endpoints)
        {
            await output.WriteLineAsync("  " + endpoint).ConfigureAwait(false);
        }

        foreach (string line in StatisticsLines(running.Endpoints).Concat(ServeBatchingOptions.Describe(settings.Options)))
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        if (backend is OnnxBackend)
        {
            await output.WriteLineAsync($"Threads: {OnnxBackend.ThreadBudget}; up to {settings.Options.TorchServeWorkers} engines per model, opened on first use.").ConfigureAwait(false);
        }

        await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
    }

    /// <summary>Where each framework's own statistics are read (docs/server-statistics.md), one line per framework running.</summary>
    internal static IEnumerable<string> StatisticsLines(IReadOnlyList<EmulatorEndpoint> endpoints)
    {
        Uri? Find(Framework framework, EndpointRole role) => endpoints.FirstOrDefault(e => e.Framework == framework && e.Role == role)?.Address;
        if (Find(Framework.Triton, EndpointRole.Rest) is { } triton)
        {
            yield return $"  statistics: triton     {new Uri(triton, "v2/models/stats")} (also per model, and gRPC ModelStatistics); metrics {new Uri(Find(Framework.Triton, EndpointRole.Metrics)!, "metrics")}";
        }

        if (Find(Framework.TorchServe, EndpointRole.Metrics) is { } torchServe)
        {
            yield return $"  statistics: torchserve {new Uri(torchServe, "metrics")} (metrics_mode=prometheus)";
        }

        if (Find(Framework.TfServing, EndpointRole.Rest) is { } tfServing)
        {
            yield return $"  statistics: tfserving  {new Uri(tfServing, Emulators.Statistics.TfServingStatistics.MetricsPath)}";
        }
    }

    private static IReadOnlyList<Framework> Frameworks(string name) => name switch
    {
        "tfserving" => [Framework.TfServing],
        "torchserve" => [Framework.TorchServe],
        "triton" => [Framework.Triton],
        _ => Enum.GetValues<Framework>(),
    };
}

/// <summary>What <c>serve</c> was asked for: which frameworks, which backend, and how the servers listen.</summary>
/// <param name="ReadyJson">Announce readiness as one JSON line (<see cref="ServeAnnouncement"/>) instead of the table.</param>
internal sealed record ServeSettings(IReadOnlyList<Framework> Frameworks, string Backend, EmulatorOptions Options, bool ReadyJson = false);
