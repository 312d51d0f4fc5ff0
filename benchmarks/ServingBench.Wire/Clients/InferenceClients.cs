using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Wire.Clients;

/// <summary>Creates the client a scenario needs: REST or gRPC, against an emulator address or the configured real server.</summary>
public static class InferenceClients
{
    /// <summary>
    /// Connects to <paramref name="address"/>, or to the server named by <c>SERVINGBENCH_&lt;FRAMEWORK&gt;_&lt;PROTOCOL&gt;</c>
    /// when <paramref name="address"/> is null; the model name honours <c>SERVINGBENCH_&lt;FRAMEWORK&gt;_MODEL_&lt;MODEL&gt;</c>.
    /// </summary>
    public static async Task<IInferenceClient> ConnectAsync(
        Scenario scenario, ModelSignature catalogueModel, Uri? address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalogueModel);
        var target = address ?? ServingTargets.ConfiguredAddress(scenario.Framework, scenario.Protocol)
            ?? throw new ArgumentException($"no address for {scenario.Name}: set {ServingTargets.AddressVariable(scenario.Framework, scenario.Protocol)}");
        string modelName = address is null ? ServingTargets.ModelName(scenario.Framework, catalogueModel.Name) : catalogueModel.Name;
        return scenario.Protocol == Protocol.Rest
            ? await RestInferenceClient.ConnectAsync(scenario, target, modelName, catalogueModel, cancellationToken).ConfigureAwait(false)
            : await GrpcInferenceClient.ConnectAsync(scenario, target, modelName, catalogueModel, cancellationToken).ConfigureAwait(false);
    }
}
