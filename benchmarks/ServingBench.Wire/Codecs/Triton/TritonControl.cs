using Google.Protobuf;
using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Protos.Kserve;
using ConfigDataType = ServingBench.Wire.Protos.Kserve.DataType;
using DataType = ServingBench.Wire.Tensors.DataType;

namespace ServingBench.Wire.Codecs.Triton;

/// <summary>
/// Triton's control-plane answers built from, and read back into, a <see cref="ModelSignature"/> with the types
/// generated from protos/kserve. Shared by the client and the emulator so that both sides agree by construction.
/// </summary>
public static class TritonControl
{
    /// <summary>model_name=1 / model_version=2 of a ModelInferRequest, read in place (see <see cref="ModelReference.PeekNameAndVersion"/>).</summary>
    public static ModelReference PeekModel(ReadOnlyMemory<byte> request) => ModelReference.PeekNameAndVersion(request, "ModelInferRequest");

    public static ModelMetadataResponse Metadata(ModelSignature model, IEnumerable<string> versions, string platform)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = new ModelMetadataResponse { Name = model.Name, Versions = { versions }, Platform = platform };
        metadata.Inputs.AddRange(model.Inputs.Select(TensorMetadata));
        metadata.Outputs.AddRange(model.Outputs.Select(TensorMetadata));
        return metadata;
    }

    /// <summary>The client's ModelMetadataRequest for the version the server picks.</summary>
    public static byte[] MetadataRequest(string modelName) => new ModelMetadataRequest { Name = modelName }.ToByteArray();

    /// <summary>The signature in a ModelMetadataResponse as it arrived.</summary>
    public static ModelSignature ReadSignature(ReadOnlySpan<byte> response) =>
        Signature(GeneratedMessages.Parse(ModelMetadataResponse.Parser, response));

    public static ModelSignature Signature(ModelMetadataResponse metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new ModelSignature(metadata.Name, [.. metadata.Inputs.Select(TensorSpec)], [.. metadata.Outputs.Select(TensorSpec)]);
    }

    /// <summary>The model's configuration as Triton reports it for an ONNX model that does not batch (max_batch_size 0: dims carry the batch).</summary>
    public static ModelConfigResponse Config(ModelSignature model, string platform, string backend)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = new ModelConfig { Name = model.Name, Platform = platform, Backend = backend };
        config.Input.AddRange(model.Inputs.Select(i => new ModelInput { Name = i.Name, DataType = ToConfigDataType(i.DataType), Dims = { i.Shape } }));
        config.Output.AddRange(model.Outputs.Select(o => new ModelOutput { Name = o.Name, DataType = ToConfigDataType(o.DataType), Dims = { o.Shape } }));
        return new ModelConfigResponse { Config = config };
    }

    /// <summary>model_config.proto's DataType: TYPE_BOOL 1 … TYPE_FP64 12 share the tensors' numbering; TYPE_STRING 13, TYPE_BF16 14.</summary>
    public static ConfigDataType ToConfigDataType(DataType type) => type switch
    {
        DataType.Bytes => ConfigDataType.TypeString,
        DataType.BF16 => ConfigDataType.TypeBf16,
        _ => (ConfigDataType)(int)type,
    };

    private static ModelMetadataResponse.Types.TensorMetadata TensorMetadata(TensorSpec spec) =>
        new() { Name = spec.Name, Datatype = spec.DataType.ToKServeName(), Shape = { spec.Shape } };

    private static TensorSpec TensorSpec(ModelMetadataResponse.Types.TensorMetadata tensor) =>
        new(tensor.Name, DataTypeInfo.ParseKServeName(tensor.Datatype), [.. tensor.Shape]);
}
