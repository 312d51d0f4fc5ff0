using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// TorchServe's gRPC Predictions: the body is an org.pytorch.serve.grpc.inference.PredictionsRequest whose input
/// map carries the one input under key "data" (a file, or raw tensor bytes), and a PredictionResponse whose
/// prediction holds the handler's answer, the same bytes the REST API returns.
/// </summary>
public sealed class TorchServeGrpcCodec(Scenario scenario, ModelSignature model) : JsonReadingCodecBase(scenario, model), IWireCodec
{
    /// <summary>The input map key TorchServe's vision, audio and text handlers read.</summary>
    public const string InputKey = "data";

    private const string RequestMessage = "PredictionsRequest";
    private const string ResponseMessage = "PredictionResponse";

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body)
    {
        RequestChecks.RequireModelName(request, RequestMessage);
        if (request.Inputs.Count != 1)
        {
            throw new WireFormatException($"{RequestMessage}: TorchServe takes one input under '{InputKey}', the request has {request.Inputs.Count}");
        }

        var data = InputBytes(request.Inputs[0]);
        int nameLength = ProtoWriter.Utf8Size(request.ModelName);
        int versionLength = string.IsNullOrEmpty(request.ModelVersion) ? 0 : ProtoWriter.Utf8Size(request.ModelVersion);
        long entrySize = ProtoWriter.FieldSize(1, InputKey.Length) + ProtoWriter.FieldSize(2, data.Length);
        long size = ProtoWriter.FieldSize(1, nameLength)
            + (versionLength == 0 ? 0 : ProtoWriter.FieldSize(2, versionLength))
            + ProtoWriter.FieldSize(3, entrySize);

        var writer = new ProtoWriter(ProtoBody.Reserve(body, size, RequestMessage));
        writer.WriteStringField(1, request.ModelName, nameLength);
        if (versionLength > 0)
        {
            writer.WriteStringField(2, request.ModelVersion!, versionLength);
        }

        writer.WriteLengthPrefix(3, entrySize);
        writer.WriteStringField(1, InputKey, InputKey.Length);
        writer.WriteBytesField(2, data.Span);
        return ProtoBody.Commit(body, writer.Position, size, RequestMessage);
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, RequestMessage);
        string name = "";
        string? version = null;
        ReadOnlyMemory<byte>? data = null;
        List<string>? otherKeys = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    name = reader.ReadString(wireType, "model_name");
                    break;
                case 2:
                    version = reader.ReadString(wireType, "model_version");
                    break;
                case 3:
                    var (key, value) = ProtoMessages.ReadMapEntry(reader.ReadMessage(wireType, "input", "PredictionsRequest.InputEntry"));
                    if (key == InputKey)
                    {
                        data = value;
                    }
                    else
                    {
                        (otherKeys ??= []).Add(key);
                    }

                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (name.Length == 0)
        {
            throw new WireFormatException($"{RequestMessage}: model_name is missing");
        }

        if (data is not ReadOnlyMemory<byte> input)
        {
            string keys = otherKeys is null ? "none" : string.Join(", ", otherKeys);
            throw new WireFormatException($"{RequestMessage}: input map has no '{InputKey}' entry (keys: {keys})");
        }

        var decoded = TorchServeBodies.DecodeInput(input, null, Model, InputKey);
        return new InferenceRequest
        {
            ModelName = name,
            ModelVersion = string.IsNullOrEmpty(version) ? null : version,
            Inputs = decoded.Inputs,
            Outputs = decoded.Outputs,
        };
    }

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(response);
        var prediction = new ArrayBufferWriter<byte>();
        TorchServeBodies.WriteResponse(response, Model, prediction);

        long size = ProtoWriter.FieldSize(1, prediction.WrittenCount);
        var writer = new ProtoWriter(ProtoBody.Reserve(body, size, ResponseMessage));
        writer.WriteBytesField(1, prediction.WrittenSpan);
        return ProtoBody.Commit(body, writer.Position, size, ResponseMessage);
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, ResponseMessage);
        ReadOnlyMemory<byte> prediction = default;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    prediction = reader.ReadBytes(wireType, "prediction");
                    break;
                case 3:
                    ThrowIfError(reader.ReadMessage(wireType, "status", "google.rpc.Status"));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return TorchServeBodies.ReadResponse(prediction, Model, Scratch);
    }

    /// <summary>What travels under "data": a BYTES [1] tensor's one element (a file), else the tensor's raw bytes.</summary>
    private static ReadOnlyMemory<byte> InputBytes(Tensor input)
    {
        if (input.DataType != DataType.Bytes)
        {
            return input.Data;
        }

        if (input.ElementCount != 1)
        {
            throw new WireFormatException($"tensor '{input.Name}': TorchServe's input map carries one file, the tensor has {input.ElementCount} elements");
        }

        return input.Data[4..];
    }

    /// <summary>A stream answer may carry google.rpc.Status {code=1, message=2}; a non-zero code is the server's error.</summary>
    private static void ThrowIfError(ProtoReader status)
    {
        ulong code = 0;
        string message = "";
        while (status.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1: code = status.ReadVarint(wireType, "code"); break;
                case 2: message = status.ReadString(wireType, "message"); break;
                default: status.Skip(field, wireType); break;
            }
        }

        if (code != 0)
        {
            throw new WireFormatException($"{ResponseMessage}: status {(int)code}: {message}");
        }
    }
}
