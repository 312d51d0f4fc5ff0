using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>
/// A client for one scenario and one served model: encodes with the scenario's codec, sends over one pooled
/// transport, decodes the answer. Thread-safe; a server error is a <see cref="ServingException"/>.
/// </summary>
public interface IInferenceClient : IDisposable
{
    Scenario Scenario { get; }

    /// <summary>The model's signature as the server published it (tensor names come from here).</summary>
    ModelSignature Model { get; }

    /// <summary>The name requests carry (a real server may serve the catalogue model under another name).</summary>
    string ModelName { get; }

    Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default);
}
