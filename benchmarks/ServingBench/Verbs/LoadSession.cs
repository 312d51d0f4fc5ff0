using Grpc.Core;
using ServingBench.Emulators;
using ServingBench.Composition;
using ServingBench.Emulators.Hosting;
using ServingBench.Load;
using ServingBench.ServerStatistics;
using ServingBench.Payloads;
using ServingBench.Wire.Clients;

namespace ServingBench.Verbs;

/// <summary>
/// One load run, wired: the server (a child <c>serve</c>, in-process emulators, or real servers), one client per
/// scenario × payload sending the same request bytes the RoundTrip benchmarks send, the sweep, and the outputs.
/// Everything started here is stopped on every exit path.
/// </summary>
internal static class LoadSession
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs <paramref name="plan"/>; 0 when done, 3 when a series has no step meeting the plan's objectives, 130 when
    /// interrupted (outputs written either way).
    /// </summary>
    /// <param name="realServers">The real servers and model names the environment names (<see cref="RunSettings.Servers"/> when null).</param>
    /// <exception cref="LoadInputException">A server cannot be reached or refuses the first request outright.</exception>
    public static async Task<int> RunAsync(
        LoadPlan plan, TextWriter output, CancellationToken abort, IReadOnlyList<string>? appCommand = null, ServerTargets? realServers = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        await using var servers = await StartServersAsync(plan, realServers ?? RunSettings.Servers(), appCommand, abort).ConfigureAwait(false);
        var clients = new List<IInferenceClient>();
        var senders = new List<IDisposable>();
        var probes = new List<StepProbe>();
        try
        {
            var series = new List<LoadSeries>();
            foreach (var (scenario, payloadKind) in plan.Cells)
            {
                var payload = PayloadFactory.Get(payloadKind);
                var (address, modelName, label, source) = servers.Resolve(plan, scenario, payload.Model.Name);
                var client = await ConnectAsync(scenario, payload, address, modelName, source, abort).ConfigureAwait(false);
                clients.Add(client);
                var request = payload.RequestFor(scenario);
                await ProbeAsync(client, request, scenario, source, plan.Timing.RequestTimeout, abort).ConfigureAwait(false);
                var labels = new StepLabels(scenario.Name, payloadKind.Name, plan.BackendLabel, label, plan.Lean ? "lean" : "full");
                var probe = plan.ReadServerStatistics
                    ? await StatisticsProbeAsync(servers, scenario, client, address, output, abort).ConfigureAwait(false)
                    : new StepProbe(reader: null, servers.ServerProcessId);
                probes.Add(probe);
                if (plan.Lean)
                {
                    // The probe above decoded and checked one answer; the run replays the very bytes it sent.
                    var (sender, send) = LeanSender(client, request, source);
                    senders.Add(sender);
                    series.Add(new LoadSeries(labels, send, probe));
                }
                else
                {
                    series.Add(new LoadSeries(labels, ct => client.InferAsync(request, ct), probe));
                }
            }

            var started = DateTimeOffset.UtcNow;
            var run = plan.Output is null ? LoadRunRecord.Create(started) : null;
            string folder = run?.LoadDirectory ?? plan.Output!;
            IReadOnlyList<MeasuredStep> measured;
            using (var progress = new LiveProgress())
            {
                measured = await LoadSweep.RunAsync(series, plan.Steps, plan.Timing, plan.Worker, plan.StartAt, progress, abort).ConfigureAwait(false);
            }

            var objectives = LoadOutputs.WriteAll(folder, measured, objectives: plan.Objectives);
            if (run is not null)
            {
                LoadRunRecord.Finish(run, started, abort.IsCancellationRequested
                    ? $"interrupted after {measured.Count} of {plan.Cells.Count * plan.Steps.Count} steps"
                    : null);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"load: {measured.Count} steps -> {folder}")).ConfigureAwait(false);
            int verdict = LoadVerb.ReportObjectives(objectives, plan.Objectives, output);
            return abort.IsCancellationRequested ? 130 : verdict;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var sender in senders)
            {
                sender.Dispose();
            }

            foreach (var probe in probes)
            {
                probe.Dispose();
            }
        }
    }

    /// <summary>
    /// The snapshots each step of <paramref name="scenario"/> is read against: the framework's own statistics (found from
    /// where its requests go, or <c>SERVINGBENCH_&lt;FRAMEWORK&gt;_STATISTICS</c>; for the child emulator, the endpoints it
    /// announced) and the CPU time of the server this run started. Read once now, so a server without statistics is
    /// said in one line before the sweep, and its steps carry that note and dashes.
    /// </summary>
    private static async Task<StepProbe> StatisticsProbeAsync(
        Servers servers, Scenario scenario, IInferenceClient client, Uri address, TextWriter output, CancellationToken abort)
    {
        Uri? configured;
        try
        {
            configured = RunSettings.StatisticsAddress(scenario.Framework);
        }
        catch (SettingsException ex)
        {
            throw new LoadInputException(ex.Message);
        }

        var statistics = configured ?? servers.StatisticsAddress(scenario.Framework);
        var reader = StatisticsEndpoints.Reader(scenario.Framework, scenario.Protocol, address, client.ModelName, statistics);
        var probe = new StepProbe(reader, servers.ServerProcessId);
        if (await probe.CheckAsync(abort).ConfigureAwait(false) is { } note)
        {
            await output.WriteLineAsync($"load: {scenario.Name}: no server statistics ({note}); its server columns read -").ConfigureAwait(false);
        }

        return probe;
    }

    /// <summary>The lean client for <paramref name="client"/>'s protocol, sending the bytes the full client sends for <paramref name="request"/>.</summary>
    private static (IDisposable Sender, SendRequest Send) LeanSender(IInferenceClient client, Wire.Tensors.InferenceRequest request, string source)
    {
        switch (client)
        {
            case RestInferenceClient rest when rest.InferUri.Scheme == Uri.UriSchemeHttp:
                var http = new PreEncodedHttpSender(rest.InferUri, rest.EncodeHttpMessage(request));
                return (http, http.SendAsync);
            case GrpcInferenceClient grpc when grpc.Address.Scheme == Uri.UriSchemeHttp:
                var h2 = new PreEncodedGrpcSender(grpc.Address, grpc.InferPath, grpc.EncodeRequestMessage(request));
                return (h2, h2.SendAsync);
            default:
                throw new LoadInputException($"--client lean speaks cleartext HTTP only, and {client.Scenario.Name}'s server ({source}) is https; use --client full");
        }
    }

    private static async Task<IInferenceClient> ConnectAsync(
        Scenario scenario, Payload payload, Uri address, string? modelName, string source, CancellationToken abort)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            return await InferenceClients.ConnectAsync(scenario, payload.Model, address, modelName, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new LoadInputException($"cannot reach {scenario.Name}'s server {address} ({source}): {OneLine(ex)}");
        }
    }

    /// <summary>One request before the sweep: a server that cannot answer at all is a setup error, not a thousand failures.</summary>
    /// <remarks>
    /// It waits as long as the run's own requests may (<c>--timeout</c>), and at least <see cref="ConnectTimeout"/>: the
    /// first request to the onnx backend opens the model's sessions, and one BART request alone takes seconds.
    /// </remarks>
    private static async Task ProbeAsync(
        IInferenceClient client, Wire.Tensors.InferenceRequest request, Scenario scenario, string source, TimeSpan requestTimeout, CancellationToken abort)
    {
        var wait = requestTimeout > ConnectTimeout ? requestTimeout : ConnectTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeout.CancelAfter(wait);
        try
        {
            var response = await client.InferAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.Outputs.Count == 0)
            {
                throw new LoadInputException($"{scenario.Name} ({source}) answered the first request with no outputs");
            }
        }
        catch (ServingException ex) when (ex.HttpStatus == 503 || ex.GrpcStatus is StatusCode.Unavailable or StatusCode.ResourceExhausted)
        {
            // Busy is a measurement, not a setup error.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not LoadInputException)
        {
            string why = ex is OperationCanceledException ? $"no answer within {wait.TotalSeconds:0.#} s (raise --timeout for a slow model)" : OneLine(ex);
            throw new LoadInputException($"{scenario.Name} ({source}) failed the first request: {why}");
        }
    }

    private static string OneLine(Exception ex) =>
        (ex is OperationCanceledException ? "no answer in time" : ex.GetBaseException().Message).ReplaceLineEndings(" ");

    private static async Task<Servers> StartServersAsync(LoadPlan plan, ServerTargets realServers, IReadOnlyList<string>? appCommand, CancellationToken abort)
    {
        var emulated = plan.Target is not null
            ? []
            : plan.Cells.Select(c => c.Scenario).Where(s => realServers.Address(s.Framework, s.Protocol) is null).Select(s => s.Framework).Distinct().ToArray();
        if (emulated.Length == 0)
        {
            return new Servers(realServers, null, null);
        }

        if (plan.InProcess)
        {
            var defaults = new EmulatorOptions();
            var options = new EmulatorOptions
            {
                Backend = BackendFactory.Create(plan.Backend, plan.ServerWorkers ?? defaults.TorchServeWorkers),
                TorchServeWorkers = plan.ServerWorkers ?? defaults.TorchServeWorkers,
                InstancesPerModel = plan.ServerWorkers ?? defaults.InstancesPerModel,
                TorchServeQueueSize = plan.QueueSize ?? defaults.TorchServeQueueSize,
            };
            return new Servers(realServers, await EmulatedServers.StartAsync(options, emulated, cancellationToken: abort).ConfigureAwait(false), null);
        }

        var arguments = new List<string> { "--torchserve-answers", "tensor", "--backend", plan.Backend };
        if (emulated.Length == 1)
        {
            arguments.AddRange(["--framework", Scenario.FrameworkName(emulated[0])]);
        }

        if (plan.ServerWorkers is { } workers)
        {
            arguments.AddRange(["--workers", workers.ToString(CultureInfo.InvariantCulture)]);
        }

        if (plan.QueueSize is { } queue)
        {
            arguments.AddRange(["--queue-size", queue.ToString(CultureInfo.InvariantCulture)]);
        }

        arguments.AddRange(plan.ServeOptions);

        try
        {
            return new Servers(realServers, null, await ChildServer.StartAsync(arguments, appCommand, abort).ConfigureAwait(false));
        }
        catch (InvalidOperationException ex)
        {
            throw new LoadInputException(ex.Message);
        }
    }

    /// <summary>The real servers the run may use, and the emulators it started (in process or as a child), if any.</summary>
    private sealed class Servers(ServerTargets realServers, RunningEmulators? inProcess, ChildServer? child) : IAsyncDisposable
    {
        /// <summary>
        /// Where <paramref name="scenario"/>'s requests go, the model name they carry (null: the catalogue's, which the
        /// emulators serve; a real server's override however its address was given), how the summary names the
        /// server, and which setting chose it.
        /// </summary>
        public (Uri Address, string? ModelName, string Label, string Source) Resolve(LoadPlan plan, Scenario scenario, string catalogueModel)
        {
            if (plan.Target is { } target)
            {
                return (target, realServers.ModelName(scenario.Framework, catalogueModel), target.ToString(), "--target");
            }

            if (realServers.Address(scenario.Framework, scenario.Protocol) is { } configured)
            {
                return (configured, realServers.ModelName(scenario.Framework, catalogueModel), configured.ToString(),
                    ServerTargets.AddressVariable(scenario.Framework, scenario.Protocol));
            }

            return inProcess is not null
                ? (inProcess.Address(scenario.Framework, scenario.Protocol), null, "emulator (in process)", "--in-process emulator")
                : (child!.Address(scenario.Framework, scenario.Protocol), null, "emulator (child process)", "child emulator");
        }

        /// <summary>The process of the emulators when this run started them as a child; null when they share this process or are real.</summary>
        public int? ServerProcessId => child?.ProcessId;

        /// <summary>
        /// Where the emulator this run started publishes <paramref name="framework"/>'s statistics when that is not
        /// where a real server's would be: TorchServe's metrics port and TF Serving's REST port, announced by the child.
        /// Triton answers on its inference endpoints, so it needs none. Null for real servers (their default ports apply).
        /// </summary>
        public Uri? StatisticsAddress(Framework framework)
        {
            var role = framework switch
            {
                Framework.TorchServe => EndpointRole.Metrics,
                Framework.TfServing => EndpointRole.Rest,
                _ => (EndpointRole?)null,
            };
            if (role is not { } wanted)
            {
                return null;
            }

            return child?.Address(framework, wanted)
                ?? inProcess?.Endpoints.FirstOrDefault(e => e.Framework == framework && e.Role == wanted)?.Address;
        }

        public async ValueTask DisposeAsync()
        {
            child?.Dispose();
            if (inProcess is not null)
            {
                await inProcess.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
