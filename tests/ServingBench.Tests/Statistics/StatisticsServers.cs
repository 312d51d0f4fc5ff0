using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Hosting;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Statistics;

/// <summary>
/// One framework's emulator on port 0 with fresh counters (each test starts its own, so counts are exact), a client of
/// a scenario, and the addresses its statistics are published at.
/// </summary>
internal sealed class StatisticsServers : IAsyncDisposable
{
    private StatisticsServers(RunningEmulators servers, IInferenceClient client, InferenceRequest request)
    {
        Servers = servers;
        Client = client;
        Request = request;
    }

    public RunningEmulators Servers { get; }

    public IInferenceClient Client { get; }

    public InferenceRequest Request { get; }

    public static async Task<StatisticsServers> StartAsync(Scenario scenario, IInferenceBackend? backend = null, int instances = 2)
    {
        var options = new EmulatorOptions
        {
            Backend = backend ?? new CannedBackend(),
            InstancesPerModel = instances,
            TorchServeWorkers = instances,
        };
        var servers = await EmulatedServers.StartAsync(options, [scenario.Framework]);
        var payload = PayloadFactory.Get(PayloadKind.Resnet50Tensor);
        var client = await InferenceClients.ConnectAsync(scenario, payload.Model, servers.Address(scenario.Framework, scenario.Protocol));
        return new StatisticsServers(servers, client, payload.RequestFor(scenario));
    }

    public Uri Address(Framework framework, EndpointRole role) =>
        Servers.Endpoints.First(e => e.Framework == framework && e.Role == role).Address;

    /// <summary>The page a framework's metrics are read from on this emulator.</summary>
    public Uri MetricsPage(Framework framework) => framework switch
    {
        Framework.Triton => new Uri(Address(framework, EndpointRole.Metrics), "metrics"),
        Framework.TorchServe => new Uri(Address(framework, EndpointRole.Metrics), "metrics"),
        _ => new Uri(Address(framework, EndpointRole.Rest), "monitoring/prometheus/metrics"),
    };

    public async Task<int> SendAsync(int users, int requestsEach)
    {
        await Task.WhenAll(Enumerable.Range(0, users).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < requestsEach; i++)
            {
                await Client.InferAsync(Request);
            }
        })));
        return users * requestsEach;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Servers.DisposeAsync();
    }
}
