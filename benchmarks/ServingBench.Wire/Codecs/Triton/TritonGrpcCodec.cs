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

        return ProtoBody.Commit(body, writer.Position, size, RequestMessage);
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, RequestMessage);
        var infer = DecodedInfer.Request();
        List<RequestedOutput>? outputs = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            if (field == 6)
            {
                var output = reader.ReadMessage(wireType, "outputs", "InferRequestedOutputTensor");
                (outputs ??= []).Add(new RequestedOutput(ProtoMessages.ReadStringField1(output, "name")));
            }
            else
            {
                infer.Read(ref reader, field, wireType);
            }
        }

        if (infer.Ids.Name.Length == 0)
        {
            throw new WireFormatException($"{RequestMessage}: model_name is missing");
        }

        if (infer.TensorCount == 0)
        {
            throw new WireFormatException($"{RequestMessage}: no inputs");
        }

        return new InferenceRequest
        {
            ModelName = infer.Ids.Name,
            ModelVersion = infer.Ids.Version,
            Id = infer.Ids.Id,
            Inputs = infer.ResolveTensors(),
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
        return ProtoBody.Commit(body, writer.Position, size, ResponseMessage);
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, ResponseMessage);
        var infer = DecodedInfer.Response();
        while (reader.TryReadTag(out int field, out var wireType))
        {
            infer.Read(ref reader, field, wireType);
        }

        if (infer.TensorCount == 0)
        {
            throw new WireFormatException($"{ResponseMessage}: no outputs");
        }

        return new InferenceResponse
        {
            ModelName = infer.Ids.Name.Length > 0 ? infer.Ids.Name : Model.Name,
            ModelVersion = infer.Ids.Version,
            Id = infer.Ids.Id,
            Outputs = infer.ResolveTensors(),
        };
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

    /// <summary>
    /// The fields ModelInferRequest and ModelInferResponse share, as decoded: the ids (1–3), the tensor messages (5)
    /// and the raw contents (raw_input_contents=7 in requests, raw_output_contents=6 in responses).
    /// </summary>
    private struct DecodedInfer
    {
        private readonly string _message;
        private readonly string _tensorField;
        private readonly string _tensorMessage;
        private readonly int _rawField;
        private readonly string _rawFieldName;
        private readonly List<TritonTensorMessage.Header> _headers = [];
        private readonly List<ReadOnlyMemory<byte>> _raws = [];
        private DecodedIds _ids;

        private DecodedInfer(string message, string tensorField, string tensorMessage, int rawField, string rawFieldName)
        {
            _message = message;
            _tensorField = tensorField;
            _tensorMessage = tensorMessage;
            _rawField = rawField;
            _rawFieldName = rawFieldName;
        }

        public readonly DecodedIds Ids => _ids;

        public readonly int TensorCount => _headers.Count;

        public static DecodedInfer Request() => new(RequestMessage, "inputs", "InferInputTensor", 7, "raw_input_contents");

        public static DecodedInfer Response() => new(ResponseMessage, "outputs", "InferOutputTensor", 6, "raw_output_contents");

        /// <summary>Reads one of the shared fields; skips any other.</summary>
        public void Read(ref ProtoReader reader, int field, WireType wireType)
        {
            if (field is 1 or 2 or 3)
            {
                _ids.Read(ref reader, field, wireType);
            }
            else if (field == 5)
            {
                _headers.Add(TritonTensorMessage.ReadHeader(reader.ReadMessage(wireType, _tensorField, _tensorMessage)));
            }
            else if (field == _rawField)
            {
                _raws.Add(reader.ReadBytes(wireType, _rawFieldName));
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }

        /// <summary>Pairs tensor headers with their data: all from raw entries (one per tensor, in order) or all from contents.</summary>
        public readonly List<Tensor> ResolveTensors()
        {
            var tensors = new List<Tensor>(_headers.Count);
            if (_raws.Count > 0)
            {
                if (_raws.Count != _headers.Count)
                {
                    throw new WireFormatException($"{_message}: {_raws.Count} {_rawFieldName} entries for {_headers.Count} tensors");
                }

                for (int i = 0; i < _headers.Count; i++)
                {
                    var header = _headers[i];
                    if (header.Contents is not null)
                    {
                        throw new WireFormatException($"{_message}: tensor '{header.Name}' sets contents while {_rawFieldName} is used");
                    }

                    tensors.Add(new Tensor(header.Name, header.DataType, header.Shape, _raws[i]));
                }

                return tensors;
            }

            foreach (var header in _headers)
            {
                if (header.Contents is null && Tensor.CountElements(header.Name, header.Shape) > 0)
                {
                    throw new WireFormatException($"{_message}: tensor '{header.Name}' has neither contents nor {_rawFieldName}");
                }

                tensors.Add(TritonTensorMessage.FromContents(header, _message));
            }

            return tensors;
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
