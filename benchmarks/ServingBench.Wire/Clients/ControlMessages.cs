using ServingBench.Wire.Codecs.TfServing;
using ServingBench.Wire.Tensors;

namespace ServingBench.Wire.Clients;

/// <summary>A model reference as a control-plane request carries it (Triton name/version, TF ModelSpec).</summary>
public sealed record ModelReference(string Name, string? Version, string? Label = null, string? SignatureName = null);

/// <summary>
/// Triton's control-plane messages (grpc_service.proto field numbers): health, server and model metadata.
/// Shared by the clients and the emulator so that both sides agree by construction and a test pins the numbers.
/// </summary>
public static class TritonControl
{
    public const string TypeUrlPrefix = "type.googleapis.com/";

    /// <summary>ServerLiveResponse / ServerReadyResponse / ModelReadyResponse: one bool in field 1.</summary>
    public static byte[] EncodeFlag(bool value) => new ProtoFields().Bool(1, value).ToArray();

    public static bool DecodeFlag(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        bool value = false;
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                value = reader.Bool();
            }
            else
            {
                reader.Skip();
            }
        }

        return value;
    }

    /// <summary>ModelReadyRequest / ModelMetadataRequest: name=1, version=2.</summary>
    public static byte[] EncodeModelRequest(string name, string? version) =>
        new ProtoFields().String(1, name).String(2, version).ToArray();

    public static ModelReference DecodeModelRequest(ReadOnlySpan<byte> message) => DecodeModelRequest(new ProtoReader(message));

    /// <summary>model_name=1 / model_version=2 of a ModelInferRequest (or PredictionsRequest), read in place.</summary>
    public static ModelReference PeekModel(ReadOnlyMemory<byte> request) => DecodeModelRequest(new ProtoReader(request));

    private static ModelReference DecodeModelRequest(ProtoReader reader)
    {
        string name = string.Empty;
        string? version = null;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: name = reader.String(); break;
                case 2: version = reader.String(); break;
                default: reader.Skip(); break;
            }
        }

        return new ModelReference(name, string.IsNullOrEmpty(version) ? null : version);
    }

    /// <summary>ServerMetadataResponse: name=1, version=2, extensions=3.</summary>
    public static byte[] EncodeServerMetadata(string name, string version, IEnumerable<string> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        var fields = new ProtoFields().String(1, name).String(2, version);
        foreach (string extension in extensions)
        {
            fields.String(3, extension);
        }

        return fields.ToArray();
    }

    /// <summary>ModelMetadataResponse: name=1, versions=2, platform=3, inputs=4, outputs=5 (TensorMetadata name=1, datatype=2, shape=3).</summary>
    public static byte[] EncodeModelMetadata(ModelSignature model, IEnumerable<string> versions, string platform)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(versions);
        var fields = new ProtoFields().String(1, model.Name);
        foreach (string version in versions)
        {
            fields.String(2, version);
        }

        fields.String(3, platform);
        foreach (var input in model.Inputs)
        {
            fields.Message(4, TensorMetadata(input));
        }

        foreach (var output in model.Outputs)
        {
            fields.Message(5, TensorMetadata(output));
        }

        return fields.ToArray();
    }

    public static ModelSignature DecodeModelMetadata(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        string name = string.Empty;
        var inputs = new List<TensorSpec>();
        var outputs = new List<TensorSpec>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: name = reader.String(); break;
                case 4: inputs.Add(DecodeTensorMetadata(reader.Bytes())); break;
                case 5: outputs.Add(DecodeTensorMetadata(reader.Bytes())); break;
                default: reader.Skip(); break;
            }
        }

        return new ModelSignature(name, inputs, outputs);
    }

    /// <summary>
    /// ModelConfigResponse{config=1}: ModelConfig name=1, platform=2, max_batch_size=4 (0: shapes carry the batch),
    /// input=5 (ModelInput name=1, data_type=2, dims=4), output=6 (ModelOutput name=1, data_type=2, dims=3), backend=17.
    /// </summary>
    public static byte[] EncodeModelConfig(ModelSignature model, string platform, string backend)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = new ProtoFields().String(1, model.Name).String(2, platform);
        foreach (var input in model.Inputs)
        {
            config.Message(5, new ProtoFields().String(1, input.Name).Int64(2, ConfigDataType(input.DataType)).PackedInt64(4, input.Shape));
        }

        foreach (var output in model.Outputs)
        {
            config.Message(6, new ProtoFields().String(1, output.Name).Int64(2, ConfigDataType(output.DataType)).PackedInt64(3, output.Shape));
        }

        config.String(17, backend);
        return new ProtoFields().Message(1, config).ToArray();
    }

    /// <summary>ModelStatisticsResponse{model_stats=1 [ModelStatistics name=1, version=2]} with no counts yet.</summary>
    public static byte[] EncodeModelStatistics(IEnumerable<(string Name, string Version)> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var fields = new ProtoFields();
        foreach (var (name, version) in models)
        {
            fields.Message(1, new ProtoFields().String(1, name).String(2, version));
        }

        return fields.ToArray();
    }

    /// <summary>model_config.proto DataType: TYPE_BOOL 1 … TYPE_FP64 12, TYPE_STRING 13, TYPE_BF16 14.</summary>
    public static int ConfigDataType(DataType type) => type switch
    {
        DataType.Bytes => 13,
        DataType.BF16 => 14,
        _ => (int)type, // BOOL..FP64 share Triton's numbering
    };

    private static ProtoFields TensorMetadata(TensorSpec spec) =>
        new ProtoFields().String(1, spec.Name).String(2, spec.DataType.ToKServeName()).PackedInt64(3, spec.Shape);

    private static TensorSpec DecodeTensorMetadata(byte[] message)
    {
        var reader = new ProtoReader(message);
        string name = string.Empty;
        string datatype = string.Empty;
        var shape = new List<long>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: name = reader.String(); break;
                case 2: datatype = reader.String(); break;
                case 3: reader.Int64s(shape); break;
                default: reader.Skip(); break;
            }
        }

        return new TensorSpec(name, DataTypeInfo.ParseKServeName(datatype), [.. shape]);
    }
}

/// <summary>
/// TF Serving's control-plane messages: ModelSpec requests, GetModelStatusResponse and GetModelMetadataResponse
/// (whose signature_def entry is an Any holding a SignatureDefMap).
/// </summary>
public static class TfServingControl
{
    public const string SignatureDefMapTypeUrl = "type.googleapis.com/tensorflow.serving.SignatureDefMap";
    public const string DefaultSignature = "serving_default";
    public const string PredictMethodName = "tensorflow/serving/predict";

    /// <summary>GetModelStatusRequest / GetModelMetadataRequest: model_spec=1 (+ metadata_field=2 "signature_def").</summary>
    public static byte[] EncodeModelRequest(string name, long? version, bool metadata)
    {
        var spec = new ProtoFields().String(1, name);
        if (version is long v)
        {
            spec.Message(2, new ProtoFields().Int64(1, v));
        }

        var fields = new ProtoFields().Message(1, spec);
        if (metadata)
        {
            fields.String(2, "signature_def");
        }

        return fields.ToArray();
    }

    /// <summary>Reads field 1 (ModelSpec) of any request that starts with one (Predict, status, metadata).</summary>
    public static ModelReference DecodeModelSpecOf(ReadOnlyMemory<byte> request)
    {
        var reader = new ProtoReader(request);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                return DecodeModelSpec(reader.Bytes());
            }

            reader.Skip();
        }

        return new ModelReference(string.Empty, null);
    }

    /// <summary>ModelSpec: name=1, version=2 (Int64Value), signature_name=3, version_label=4.</summary>
    public static ModelReference DecodeModelSpec(ReadOnlySpan<byte> spec)
    {
        var reader = new ProtoReader(spec);
        string name = string.Empty;
        string? version = null;
        string? label = null;
        string? signature = null;
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: name = reader.String(); break;
                case 2: version = ReadInt64Value(reader.Bytes()).ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                case 3: signature = reader.String(); break;
                case 4: label = reader.String(); break;
                default: reader.Skip(); break;
            }
        }

        return new ModelReference(name, version, label, string.IsNullOrEmpty(signature) ? null : signature);
    }

    /// <summary>GetModelStatusResponse with one AVAILABLE version and an OK status.</summary>
    public static byte[] EncodeModelStatus(long version)
    {
        const int Available = 30;
        var status = new ProtoFields().Int64(1, version).Int64(2, Available).Message(3, new ProtoFields());
        return new ProtoFields().Message(1, status).ToArray();
    }

    /// <summary>The state number of the first version in a GetModelStatusResponse (AVAILABLE = 30).</summary>
    public static long DecodeModelStatusState(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            if (reader.Field != 1)
            {
                reader.Skip();
                continue;
            }

            var status = new ProtoReader(reader.Bytes());
            while (status.Next())
            {
                if (status.Field == 2)
                {
                    return status.Int64();
                }

                status.Skip();
            }
        }

        return 0;
    }

    /// <summary>GetModelMetadataResponse: model_spec=1, metadata=2 map{"signature_def": Any(SignatureDefMap)}.</summary>
    public static byte[] EncodeModelMetadata(ModelSignature model, long version)
    {
        ArgumentNullException.ThrowIfNull(model);
        var signature = new ProtoFields();
        foreach (var input in model.Inputs)
        {
            signature.MapEntry(1, input.Name, TensorInfo(input, "serving_default_" + input.Name + ":0"));
        }

        foreach (var output in model.Outputs)
        {
            signature.MapEntry(2, output.Name, TensorInfo(output, "StatefulPartitionedCall:0"));
        }

        signature.String(3, PredictMethodName);
        var map = new ProtoFields().MapEntry(1, DefaultSignature, signature);
        var any = new ProtoFields().String(1, SignatureDefMapTypeUrl).Message(2, map);
        var spec = new ProtoFields().String(1, model.Name).Message(2, new ProtoFields().Int64(1, version));
        return new ProtoFields().Message(1, spec).MapEntry(2, "signature_def", any).ToArray();
    }

    /// <summary>The serving_default signature of a GetModelMetadataResponse, keyed by the aliases requests use.</summary>
    public static ModelSignature DecodeModelMetadata(ReadOnlySpan<byte> message, string modelName)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            if (reader.Field != 2)
            {
                reader.Skip();
                continue;
            }

            var (key, any) = ReadMapEntry(reader.Bytes());
            if (key != "signature_def")
            {
                continue;
            }

            byte[] mapBytes = [];
            var anyReader = new ProtoReader(any);
            while (anyReader.Next())
            {
                if (anyReader.Field == 2)
                {
                    mapBytes = anyReader.Bytes();
                }
                else
                {
                    anyReader.Skip();
                }
            }

            var mapReader = new ProtoReader(mapBytes);
            while (mapReader.Next())
            {
                if (mapReader.Field != 1)
                {
                    mapReader.Skip();
                    continue;
                }

                var (signatureName, signature) = ReadMapEntry(mapReader.Bytes());
                if (signatureName == DefaultSignature)
                {
                    return DecodeSignature(signature, modelName);
                }
            }
        }

        throw new WireFormatException($"model metadata of '{modelName}' has no '{DefaultSignature}' signature");
    }

    private static ModelSignature DecodeSignature(byte[] signature, string modelName)
    {
        var inputs = new List<TensorSpec>();
        var outputs = new List<TensorSpec>();
        var reader = new ProtoReader(signature);
        while (reader.Next())
        {
            if (reader.Field is 1 or 2)
            {
                var (alias, info) = ReadMapEntry(reader.Bytes());
                (reader.Field == 1 ? inputs : outputs).Add(DecodeTensorInfo(alias, info));
            }
            else
            {
                reader.Skip();
            }
        }

        return new ModelSignature(modelName, inputs, outputs);
    }

    /// <summary>TensorInfo: name=1, dtype=2, tensor_shape=3 (TensorShapeProto dim=2 {size=1}).</summary>
    private static ProtoFields TensorInfo(TensorSpec spec, string graphName)
    {
        var shape = new ProtoFields();
        foreach (long dim in spec.Shape)
        {
            shape.Message(2, new ProtoFields().Int64(1, dim));
        }

        return new ProtoFields().String(1, graphName).Int64(2, TfDataTypes.ToNumber(spec.DataType)).Message(3, shape);
    }

    private static TensorSpec DecodeTensorInfo(string alias, byte[] info)
    {
        var reader = new ProtoReader(info);
        DataType type = default;
        var shape = new List<long>();
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 2: type = TfDataTypes.FromNumber(reader.Int64()); break;
                case 3:
                    var dims = new ProtoReader(reader.Bytes());
                    while (dims.Next())
                    {
                        if (dims.Field == 2)
                        {
                            shape.Add(ReadInt64Value(dims.Bytes()));
                        }
                        else
                        {
                            dims.Skip();
                        }
                    }

                    break;
                default: reader.Skip(); break;
            }
        }

        return new TensorSpec(alias, type, [.. shape]);
    }

    private static (string Key, byte[] Value) ReadMapEntry(byte[] entry)
    {
        var reader = new ProtoReader(entry);
        string key = string.Empty;
        byte[] value = [];
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: key = reader.String(); break;
                case 2: value = reader.Bytes(); break;
                default: reader.Skip(); break;
            }
        }

        return (key, value);
    }

    /// <summary>Field 1 as int64: google.protobuf.Int64Value, and TensorShapeProto.Dim's size.</summary>
    private static long ReadInt64Value(byte[] message)
    {
        var reader = new ProtoReader(message);
        long value = 0;
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                value = reader.Int64();
            }
            else
            {
                reader.Skip();
            }
        }

        return value;
    }
}

/// <summary>TorchServe's control-plane messages: TorchServeHealthResponse{health=1} and the model name of a PredictionsRequest.</summary>
public static class TorchServeControl
{
    public static byte[] EncodeHealth(string healthJson) => new ProtoFields().String(1, healthJson).ToArray();

    public static string DecodeHealth(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        string health = string.Empty;
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                health = reader.String();
            }
            else
            {
                reader.Skip();
            }
        }

        return health;
    }

    /// <summary>PredictionsRequest model_name=1, model_version=2, without touching the (large) input map.</summary>
    public static ModelReference PeekModel(ReadOnlyMemory<byte> request) => TritonControl.PeekModel(request);
}
