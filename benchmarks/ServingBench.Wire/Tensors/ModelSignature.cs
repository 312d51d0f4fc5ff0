using ServingBench.Wire.Codecs.TorchServe;

namespace ServingBench.Wire.Tensors;

/// <summary>Name, datatype and shape of one model input or output; -1 marks a variable dimension.</summary>
public sealed record TensorSpec(string Name, DataType DataType, long[] Shape)
{
    public override string ToString() => $"{Name}: {DataType.ToKServeName()} [{string.Join(",", Shape)}]";
}

/// <summary>
/// What a served model publishes in its metadata: the formats without types or shapes on the wire
/// (TF Serving's nested JSON, TorchServe's raw bodies) need it to decode, and clients read names from it.
/// </summary>
public sealed record ModelSignature(string Name, IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>
    /// What TorchServe's stock handler for this model answers for a file; null where none applies. TorchServe
    /// publishes no metadata, so its clients take this from the catalogue's signature, as they take the tensors.
    /// </summary>
    public StockAnswerForm? StockAnswer { get; init; }

    public TensorSpec Input(string name) => Inputs.FirstOrDefault(t => t.Name == name)
        ?? throw new WireFormatException($"model '{Name}' has no input '{name}'");

    public TensorSpec Output(string name) => Outputs.FirstOrDefault(t => t.Name == name)
        ?? throw new WireFormatException($"model '{Name}' has no output '{name}'");
}
