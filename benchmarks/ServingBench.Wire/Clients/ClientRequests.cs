using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>What every client does to a request before encoding: the served name, the server's tensor names.</summary>
internal static class ClientRequests
{
    public static InferenceRequest Prepare(InferenceRequest request, Scenario scenario, ModelSignature served, string modelName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inputs = new Tensor[request.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = request.Inputs[i];
            bool known = served.Inputs.Any(s => s.Name == input.Name);

            // Tensors travel under the server's names; a file (BYTES) keeps its own, it is not a model input.
            inputs[i] = known || input.DataType == DataType.Bytes || i >= served.Inputs.Count
                ? input
                : input.WithName(served.Inputs[i].Name);
        }

        return new InferenceRequest
        {
            ModelName = modelName,
            ModelVersion = request.ModelVersion,
            Id = request.Id,
            SignatureName = request.SignatureName,
            Inputs = inputs,
            Outputs = request.Outputs,
            BinaryDataOutput = request.BinaryDataOutput || scenario.Encoding == Encoding.Binary,
        };
    }
}
