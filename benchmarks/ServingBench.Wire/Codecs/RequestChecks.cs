namespace ServingBench.Wire.Codecs;

/// <summary>What every gRPC encoder refuses before sizing a request: the server would reject it anyway.</summary>
internal static class RequestChecks
{
    public static void RequireModelName(InferenceRequest request, string message)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.ModelName))
        {
            throw new WireFormatException($"{message}: model name is missing");
        }
    }

    public static void RequireModelAndInputs(InferenceRequest request, string message)
    {
        RequireModelName(request, message);
        if (request.Inputs.Count == 0)
        {
            throw new WireFormatException($"{message}: no inputs");
        }
    }
}
