using System.Runtime.InteropServices;
using ServingBench.Emulators.Hosting;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Emulators;

/// <summary>
/// The <c>serve</c> verb: <c>serve [--framework all|tfserving|torchserve|triton] [--port-offset N] [--host H]</c>
/// runs the emulators on the frameworks' real default ports (+ offset) until Ctrl+C or SIGTERM. TorchServe answers
/// files with its stock handlers' JSON unless <c>--torchserve-answers tensor</c>.
/// </summary>
public static class ServeCommand
{
    public const string Usage =
        "usage: serve [--framework all|tfserving|torchserve|triton] [--port-offset N | --free-ports] [--host 127.0.0.1] [--torchserve-answers default|tensor] [--workers N] [--queue-size N]";

    /// <summary>Runs until <paramref name="cancellationToken"/> fires or the process gets SIGINT/SIGTERM; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        if (!TryParse(args, out var frameworks, out var options, out string? problem))
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        RunningEmulators running;
        try
        {
            running = await EmulatedServers.StartAsync(options, frameworks, cancellationToken: stop.Token).ConfigureAwait(false);
        }
        catch (PortUnavailableException ex)
        {
            await error.WriteLineAsync($"serve: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"serve: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (running.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"ServingBench emulators ({options.Backend.Name} backend; models {string.Join(", ", options.Models.Select(m => m.Name))}):").ConfigureAwait(false);
            foreach (var endpoint in running.Endpoints)
            {
                await output.WriteLineAsync("  " + endpoint).ConfigureAwait(false);
            }

            await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C, SIGTERM or the caller's token: stop cleanly below.
            }

            await output.WriteLineAsync("Stopping emulators.").ConfigureAwait(false);
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // we stop ourselves; do not let the runtime kill the process mid-shutdown
            stop.Cancel();
        }
    }

    internal static bool TryParse(string[] args, out IReadOnlyList<Framework> frameworks, out EmulatorOptions options, out string? problem)
    {
        frameworks = Enum.GetValues<Framework>();
        options = new EmulatorOptions { UseDefaultPorts = true };
        problem = null;
        string host = options.Host;
        int offset = 0;
        bool defaultHandlers = true;
        bool freePorts = false;
        var defaults = new EmulatorOptions();
        int workers = defaults.TorchServeWorkers;
        int queueSize = defaults.TorchServeQueueSize;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (i == 0 && arg == "serve")
            {
                continue;
            }

            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (arg)
            {
                case "--framework" or "-f" when value is not null:
                    i++;
                    switch (value.ToLowerInvariant())
                    {
                        case "all": frameworks = Enum.GetValues<Framework>(); break;
                        case "tfserving": frameworks = [Framework.TfServing]; break;
                        case "torchserve": frameworks = [Framework.TorchServe]; break;
                        case "triton": frameworks = [Framework.Triton]; break;
                        default:
                            problem = $"serve: unknown framework '{value}'";
                            return false;
                    }

                    break;
                case "--port-offset" when value is not null:
                    i++;
                    if (!int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out offset)
                        || offset is < -7000 or > 57000)
                    {
                        problem = $"serve: --port-offset '{value}' is not an integer that keeps every port within 1-65535";
                        return false;
                    }

                    break;
                case "--torchserve-answers" when value is "default" or "tensor":
                    i++;
                    defaultHandlers = value == "default";
                    break;
                case "--free-ports":
                    // Port 0 for every listener (the OS picks; the listing shows the bound ports): what the load verb's child uses.
                    freePorts = true;
                    break;
                case "--workers" or "--queue-size" when value is not null:
                    i++;
                    // TorchServe's config.properties: default_workers_per_model and job_queue_size.
                    if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count)
                        || count < (arg == "--workers" ? 1 : 0) || count > 100_000)
                    {
                        problem = $"serve: {arg} '{value}' is not a whole number in {(arg == "--workers" ? 1 : 0)}-100000";
                        return false;
                    }

                    if (arg == "--workers")
                    {
                        workers = count;
                    }
                    else
                    {
                        queueSize = count;
                    }

                    break;
                case "--host" when value is not null:
                    i++;
                    host = value;
                    break;
                default:
                    problem = $"serve: unexpected argument '{arg}'";
                    return false;
            }
        }

        options = new EmulatorOptions
        {
            UseDefaultPorts = !freePorts,
            PortOffset = offset,
            Host = host,
            TorchServeDefaultHandlers = defaultHandlers,
            TorchServeWorkers = workers,
            TorchServeQueueSize = queueSize,
        };
        return true;
    }
}
