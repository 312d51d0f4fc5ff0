using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Codecs.Triton;

/// <summary>
/// Triton's (KServe v2) gRPC ModelInfer: the body is an inference.ModelInferRequest / ModelInferResponse.
/// Requests carry InferTensorContents (encoding <c>typed</c>) or raw_input_contents (<c>raw</c>); responses always use
/// raw_output_contents, as Triton does. Decoders accept both forms, never mixed, and view raw bytes in place.
/// </summary>
public sealed class TritonGrpcCodec(Scenario scenario, ModelSignature model) : WireCodecBase(scenario, model), IWireCodec
{
    private const string RequestMessage = "ModelInferRequest";
    private const string ResponseMessage = "ModelInferResponse";

    // raw_input_contents rather than typed InferTensorContents.
    private readonly bool _rawContents = scenario.Encoding == Encoding.Raw;

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body)
    {
        RequestChecks.RequireModelAndInputs(request, RequestMessage);
        var header = new Header(request.ModelName, request.ModelVersion, request.Id);
        var plans = new TritonTensorMessage.Plan[request.Inputs.Count];
        long size = header.Size + MeasureTensors(request.Inputs, plans, 5, 7, typed: !_rawContents);
        foreach (var output in request.Outputs)
        {
            size += ProtoWriter.FieldSize(6, ProtoWriter.FieldSize(1, ProtoWriter.Utf8Size(output.Name)));
        }

        var writer = new ProtoWriter(ProtoBody.Reserve(body, size, RequestMessage));
        header.Write(ref writer);
        WriteTensors(ref writer, request.Inputs, plans, 5, typed: !_rawContents);
        foreach (var output in request.Outputs)
        {
            int length = ProtoWriter.Utf8Size(output.Name);
            writer.WriteLengthPrefix(6, ProtoWriter.FieldSize(1, length));
            writer.WriteStringField(1, output.Name, length);
        }

        if (_rawContents)
        {
            WriteRaw(ref writer, request.Inputs, 7);
        }

        ProtoBody.Commit(body, writer.Position, size, RequestMessage);
        return WireContent.Protobuf;
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, RequestMessage);
        var ids = default(DecodedIds);
        var headers = new List<TritonTensorMessage.Header>();
        var raws = new List<ReadOnlyMemory<byte>>();
        List<RequestedOutput>? outputs = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1 or 2 or 3:
                    ids.Read(ref reader, field, wireType);
                    break;
                case 5:
                    headers.Add(TritonTensorMessage.ReadHeader(reader.ReadMessage(wireType, "inputs", "InferInputTensor")));
                    break;
                case 6:
                    var output = reader.ReadMessage(wireType, "outputs", "InferRequestedOutputTensor");
                    (outputs ??= []).Add(new RequestedOutput(ProtoMessages.ReadStringField1(output, "name")));
                    break;
                case 7:
                    raws.Add(reader.ReadBytes(wireType, "raw_input_contents"));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (ids.Name.Length == 0)
        {
            throw new WireFormatException($"{RequestMessage}: model_name is missing");
        }

        if (headers.Count == 0)
        {
            throw new WireFormatException($"{RequestMessage}: no inputs");
        }

        return new InferenceRequest
        {
            ModelName = ids.Name,
            ModelVersion = ids.Version,
            Id = ids.Id,
            Inputs = Resolve(headers, raws, RequestMessage, "raw_input_contents"),
            Outputs = outputs ?? [],
        };
    }

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = new Header(response.ModelName, response.ModelVersion, response.Id);
        var plans = new TritonTensorMessage.Plan[response.Outputs.Count];
        long size = header.Size + MeasureTensors(response.Outputs, plans, 5, 6, typed: false);

        var writer = new ProtoWriter(ProtoBody.Reserve(body, size, ResponseMessage));
        header.Write(ref writer);
        WriteTensors(ref writer, response.Outputs, plans, 5, typed: false);
        WriteRaw(ref writer, response.Outputs, 6);
        ProtoBody.Commit(body, writer.Position, size, ResponseMessage);
        return WireContent.Protobuf;
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, ResponseMessage);
        var ids = default(DecodedIds);
        var headers = new List<TritonTensorMessage.Header>();
        var raws = new List<ReadOnlyMemory<byte>>();
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1 or 2 or 3:
                    ids.Read(ref reader, field, wireType);
                    break;
                case 5:
                    headers.Add(TritonTensorMessage.ReadHeader(reader.ReadMessage(wireType, "outputs", "InferOutputTensor")));
                    break;
                case 6:
                    raws.Add(reader.ReadBytes(wireType, "raw_output_contents"));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (headers.Count == 0)
        {
            throw new WireFormatException($"{ResponseMessage}: no outputs");
        }

        return new InferenceResponse
        {
            ModelName = ids.Name.Length > 0 ? ids.Name : Model.Name,
            ModelVersion = ids.Version,
            Id = ids.Id,
            Outputs = Resolve(headers, raws, ResponseMessage, "raw_output_contents"),
        };
    }

    /// <summary>Pairs tensor headers with their data: all from raw entries (one per tensor, in order) or all from contents.</summary>
    private static List<Tensor> Resolve(List<TritonTensorMessage.Header> headers, List<ReadOnlyMemory<byte>> raws, string message, string rawField)
    {
        var tensors = new List<Tensor>(headers.Count);
        if (raws.Count > 0)
        {
            if (raws.Count != headers.Count)
            {
                throw new WireFormatException($"{message}: {raws.Count} {rawField} entries for {headers.Count} tensors");
            }

            for (int i = 0; i < headers.Count; i++)
            {
                var header = headers[i];
                if (header.Contents is not null)
                {
                    throw new WireFormatException($"{message}: tensor '{header.Name}' sets contents while {rawField} is used");
                }

                tensors.Add(new Tensor(header.Name, header.DataType, header.Shape, raws[i]));
            }

            return tensors;
        }

        foreach (var header in headers)
        {
            if (header.Contents is null && Tensor.CountElements(header.Name, header.Shape) > 0)
            {
                throw new WireFormatException($"{message}: tensor '{header.Name}' has neither contents nor {rawField}");
            }

            tensors.Add(TritonTensorMessage.FromContents(header, message));
        }

        return tensors;
    }

    private static long MeasureTensors(IReadOnlyList<Tensor> tensors, TritonTensorMessage.Plan[] plans, int field, int rawField, bool typed)
    {
        long size = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            plans[i] = TritonTensorMessage.Measure(tensors[i], typed);
            size += ProtoWriter.FieldSize(field, plans[i].Size);
            if (!typed)
            {
                size += ProtoWriter.FieldSize(rawField, tensors[i].Data.Length);
            }
        }

        return size;
    }

    private static void WriteTensors(ref ProtoWriter writer, IReadOnlyList<Tensor> tensors, TritonTensorMessage.Plan[] plans, int field, bool typed)
    {
        for (int i = 0; i < tensors.Count; i++)
        {
            writer.WriteLengthPrefix(field, plans[i].Size);
            TritonTensorMessage.Write(ref writer, tensors[i], plans[i], typed);
        }
    }

    private static void WriteRaw(ref ProtoWriter writer, IReadOnlyList<Tensor> tensors, int field)
    {
        foreach (var tensor in tensors)
        {
            writer.WriteBytesField(field, tensor.Data.Span);
        }
    }

    /// <summary>model_name=1, model_version=2, id=3 as decoded; an empty version or id reads as absent.</summary>
    private struct DecodedIds
    {
        private string? _name;
        private string? _version;
        private string? _id;

        public readonly string Name => _name ?? "";

        public readonly string? Version => string.IsNullOrEmpty(_version) ? null : _version;

        public readonly string? Id => string.IsNullOrEmpty(_id) ? null : _id;

        public void Read(ref ProtoReader reader, int field, WireType wireType)
        {
            switch (field)
            {
                case 1:
                    _name = reader.ReadString(wireType, "model_name");
                    break;
                case 2:
                    _version = reader.ReadString(wireType, "model_version");
                    break;
                default:
                    _id = reader.ReadString(wireType, "id");
                    break;
            }
        }
    }

    /// <summary>model_name=1, model_version=2, id=3: the scalar fields requests and responses share.</summary>
    private readonly struct Header
    {
        private readonly string _name;
        private readonly string? _version;
        private readonly string? _id;

        public Header(string name, string? version, string? id)
        {
            _name = name ?? "";
            _version = string.IsNullOrEmpty(version) ? null : version;
            _id = string.IsNullOrEmpty(id) ? null : id;
            Size = StringSize(1, _name) + StringSize(2, _version) + StringSize(3, _id);
        }

        public long Size { get; }

        public void Write(ref ProtoWriter writer)
        {
            WriteString(ref writer, 1, _name);
            WriteString(ref writer, 2, _version);
            WriteString(ref writer, 3, _id);
        }

        private static long StringSize(int field, string? value) =>
            string.IsNullOrEmpty(value) ? 0 : ProtoWriter.FieldSize(field, ProtoWriter.Utf8Size(value));

        private static void WriteString(ref ProtoWriter writer, int field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                writer.WriteStringField(field, value, ProtoWriter.Utf8Size(value));
            }
        }
    }
}
