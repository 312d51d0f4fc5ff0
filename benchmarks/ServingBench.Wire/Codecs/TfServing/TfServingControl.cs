using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Protos.TensorFlow;
using ServingBench.Wire.Protos.TfServing;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>
/// TF Serving's control plane with the types generated from protos/tensorflow_serving: the ModelSpec every request
/// starts with, GetModelStatusResponse and GetModelMetadataResponse (whose "signature_def" entry is an Any holding
/// a SignatureDefMap). Shared by the client and the emulator so that both sides agree by construction.
/// </summary>
public static class TfServingControl
{
    public const string DefaultSignature = "serving_default";
    public const string PredictMethodName = "tensorflow/serving/predict";
    public const string SignatureDefField = "signature_def";

    /// <summary>
    /// Field 1 (ModelSpec) of any request that starts with one (Predict, status, metadata). A Predict request is
    /// large; the reader skips its tensors in place and parses only the spec.
    /// </summary>
    public static ModelReference PeekModelSpec(ReadOnlyMemory<byte> request, string message)
    {
        var reader = new ProtoReader(request, message);
        while (reader.TryReadTag(out int field, out var wireType))
        {
            if (field == 1)
            {
                return Reference(GeneratedMessages.Parse(ModelSpec.Parser, reader.ReadBytes(wireType, "model_spec").Span));
            }

            reader.Skip(field, wireType);
        }

        return new ModelReference(string.Empty, null);
    }

    public static ModelReference Reference(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ModelReference(
            spec.Name,
            spec.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            spec.VersionChoiceCase == ModelSpec.VersionChoiceOneofCase.VersionLabel ? spec.VersionLabel : null,
            string.IsNullOrEmpty(spec.SignatureName) ? null : spec.SignatureName);
    }

    /// <summary>GetModelStatusResponse: one version, AVAILABLE, with an OK status.</summary>
    public static GetModelStatusResponse Available(long version) => new()
    {
        ModelVersionStatus =
        {
            new ModelVersionStatus { Version = version, State = ModelVersionStatus.Types.State.Available, Status = new StatusProto() },
        },
    };

    /// <summary>GetModelMetadataResponse: the spec and metadata["signature_def"] = Any(SignatureDefMap{"serving_default": …}).</summary>
    public static GetModelMetadataResponse Metadata(ModelSignature model, long version)
    {
        ArgumentNullException.ThrowIfNull(model);
        var signature = new SignatureDef { MethodName = PredictMethodName };
        foreach (var input in model.Inputs)
        {
            signature.Inputs.Add(input.Name, TensorInfo(input, "serving_default_" + input.Name + ":0"));
        }

        foreach (var output in model.Outputs)
        {
            signature.Outputs.Add(output.Name, TensorInfo(output, "StatefulPartitionedCall:0"));
        }

        var map = new SignatureDefMap { SignatureDef = { [DefaultSignature] = signature } };
        return new GetModelMetadataResponse
        {
            ModelSpec = new ModelSpec { Name = model.Name, Version = version },
            Metadata = { [SignatureDefField] = Any.Pack(map) },
        };
    }

    /// <summary>The client's GetModelMetadataRequest: the signatures of the latest version of <paramref name="modelName"/>.</summary>
    public static byte[] MetadataRequest(string modelName) =>
        new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = modelName }, MetadataField = { SignatureDefField } }.ToByteArray();

    /// <summary>The serving_default signature of a GetModelMetadataResponse as it arrived.</summary>
    public static ModelSignature ReadSignature(ReadOnlySpan<byte> response, string modelName) =>
        Signature(GeneratedMessages.Parse(GetModelMetadataResponse.Parser, response), modelName);

    /// <summary>The serving_default signature of a GetModelMetadataResponse, keyed by the aliases requests use.</summary>
    public static ModelSignature Signature(GetModelMetadataResponse metadata, string modelName)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Metadata.TryGetValue(SignatureDefField, out var any)
            && GeneratedMessages.Parse(SignatureDefMap.Parser, any.Value.Span).SignatureDef.TryGetValue(DefaultSignature, out var signature))
        {
            return new ModelSignature(
                modelName,
                [.. signature.Inputs.Select(i => TensorSpec(i.Key, i.Value))],
                [.. signature.Outputs.Select(o => TensorSpec(o.Key, o.Value))]);
        }

        throw new WireFormatException($"model metadata of '{modelName}' has no '{DefaultSignature}' signature");
    }

    private static TensorInfo TensorInfo(Tensors.TensorSpec spec, string graphName)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(spec.Shape.Select(size => new TensorShapeProto.Types.Dim { Size = size }));
        return new TensorInfo { Name = graphName, Dtype = (Protos.TensorFlow.DataType)TfDataTypes.ToNumber(spec.DataType), TensorShape = shape };
    }

    private static Tensors.TensorSpec TensorSpec(string alias, TensorInfo info) =>
        new(alias, TfDataTypes.FromNumber((long)info.Dtype), [.. info.TensorShape?.Dim.Select(d => d.Size) ?? []]);
}
