using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>Creates the client a scenario needs: REST or gRPC, against whatever server the caller names.</summary>
public static class InferenceClients
{
    /// <summary>Connects to the server at <paramref name="address"/> (an emulator or a real server; the app decides which).</summary>
    /// <param name="servedModelName">
    /// The name that server serves <paramref name="catalogueModel"/> under (a real server may use its own); the
    /// catalogue name when null, as the emulators serve it.
    /// </param>
    public static async Task<IInferenceClient> ConnectAsync(
        Scenario scenario, ModelSignature catalogueModel, Uri address, string? servedModelName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalogueModel);
        ArgumentNullException.ThrowIfNull(address);
        string modelName = servedModelName ?? catalogueModel.Name;
        return scenario.Protocol == Protocol.Rest
            ? await RestInferenceClient.ConnectAsync(scenario, address, modelName, catalogueModel, cancellationToken).ConfigureAwait(false)
            : await GrpcInferenceClient.ConnectAsync(scenario, address, modelName, catalogueModel, cancellationToken).ConfigureAwait(false);
    }
}
