using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Emulators;

/// <summary>All three emulators on port 0, started once for the collection, with a connected client per scenario × model.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private readonly Dictionary<(string Scenario, string Model), IInferenceClient> _clients = [];
    private readonly SemaphoreSlim _lock = new(1, 1);

    public RunningEmulators Servers { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await EmulatedServers.StartAsync(new EmulatorOptions(), withEcho: true);
        _ = PayloadFactory.All; // build payloads outside the timed tests
    }

    public async Task<IInferenceClient> ClientAsync(Scenario scenario, string model)
    {
        await _lock.WaitAsync();
        try
        {
            if (!_clients.TryGetValue((scenario.Name, model), out var client))
            {
                client = await InferenceClients.ConnectAsync(scenario, ModelCatalog.Get(model).Signature, Servers.Address(scenario.Framework, scenario.Protocol));
                _clients[(scenario.Name, model)] = client;
            }

            return client;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await Servers.DisposeAsync();
        _lock.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "emulators";
}
