using ServingBench.Wire.Codecs.Protobuf;

namespace ServingBench.Wire.Codecs;

/// <summary>A model as a request names it: Triton's name/version, TF Serving's ModelSpec, TorchServe's model_name/version.</summary>
public sealed record ModelReference(string Name, string? Version, string? Label = null, string? SignatureName = null)
{
    /// <summary>
    /// model_name=1 / model_version=2 of a ModelInferRequest (Triton) or PredictionsRequest (TorchServe), read in
    /// place: a server needs the model before it picks the codec, and the (large) tensors are skipped, not parsed.
    /// </summary>
    public static ModelReference PeekNameAndVersion(ReadOnlyMemory<byte> request, string message)
    {
        var reader = new ProtoReader(request, message);
        string name = string.Empty;
        string? version = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1: name = reader.ReadString(wireType, "model_name"); break;
                case 2: version = reader.ReadString(wireType, "model_version"); break;
                default: reader.Skip(field, wireType); break;
            }
        }

        return new ModelReference(name, string.IsNullOrEmpty(version) ? null : version);
    }
}
