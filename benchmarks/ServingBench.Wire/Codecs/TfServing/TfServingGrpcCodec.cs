using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>
/// TF Serving's gRPC Predict: the body is a tensorflow.serving.PredictRequest / PredictResponse. Requests carry
/// typed fields (float_val ...) or, when <c>raw</c>, tensor_content; responses are always typed because the real
/// server answers with AsProtoField. Decoders accept either form and view tensor bytes in the body where they can.
/// </summary>
public sealed class TfServingGrpcCodec(Scenario scenario, ModelSignature model) : WireCodecBase(scenario, model), IWireCodec
{
    private const string RequestMessage = "PredictRequest";
    private const string ResponseMessage = "PredictResponse";

    // Tensors in tensor_content rather than the typed *_val fields.
    private readonly bool _rawContent = scenario.Encoding == Encoding.Raw;

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body)
    {
        RequestChecks.RequireModelAndInputs(request, RequestMessage);
        var spec = new TfModelSpec(request.ModelName, request.ModelVersion, request.SignatureName);
        var plans = new TfTensorProto.Plan[request.Inputs.Count];
        long size = ProtoWriter.FieldSize(1, spec.Size) + MeasureMap(request.Inputs, plans, 2, _rawContent);
        foreach (var output in request.Outputs)
        {
            size += ProtoWriter.FieldSize(3, ProtoWriter.Utf8Size(output.Name));
        }

        var writer = new ProtoWriter(ProtoBody.Reserve(body, size, RequestMessage));
        spec.Write(ref writer, 1);
        WriteMap(ref writer, request.Inputs, plans, 2, _rawContent);
        foreach (var output in request.Outputs)
        {
            writer.WriteStringField(3, output.Name, ProtoWriter.Utf8Size(output.Name));
        }

        return ProtoBody.Commit(body, writer.Position, size, RequestMessage);
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, RequestMessage);
        (string Name, string? Version, string? SignatureName) spec = ("", null, null);
        var inputs = new List<Tensor>();
        List<RequestedOutput>? outputs = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    spec = TfModelSpec.Read(reader.ReadMessage(wireType, "model_spec", "ModelSpec"));
                    break;
                case 2:
                    AddOrReplace(inputs, ReadMapEntry(reader.ReadMessage(wireType, "inputs", "PredictRequest.InputsEntry")));
                    break;
                case 3:
                    (outputs ??= []).Add(new RequestedOutput(reader.ReadString(wireType, "output_filter")));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (spec.Name.Length == 0)
        {
            throw new WireFormatException($"{RequestMessage}: model_spec.name is missing");
        }

        if (inputs.Count == 0)
        {
            throw new WireFormatException($"{RequestMessage}: no inputs");
        }

        return new InferenceRequest
        {
            ModelName = spec.Name,
            ModelVersion = spec.Version,
            SignatureName = spec.SignatureName,
            Inputs = inputs,
            Outputs = outputs ?? [],
        };
    }

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(response);
        var spec = new TfModelSpec(response.ModelName, response.ModelVersion, signatureName: null);
        var plans = new TfTensorProto.Plan[response.Outputs.Count];
        long size = MeasureMap(response.Outputs, plans, 1, raw: false) + ProtoWriter.FieldSize(2, spec.Size);

        var writer = new ProtoWriter(ProtoBody.Reserve(body, size, ResponseMessage));
        WriteMap(ref writer, response.Outputs, plans, 1, raw: false);
        spec.Write(ref writer, 2);
        return ProtoBody.Commit(body, writer.Position, size, ResponseMessage);
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content)
    {
        var reader = new ProtoReader(body, ResponseMessage);
        (string Name, string? Version, string? SignatureName) spec = ("", null, null);
        var outputs = new List<Tensor>();
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    AddOrReplace(outputs, ReadMapEntry(reader.ReadMessage(wireType, "outputs", "PredictResponse.OutputsEntry")));
                    break;
                case 2:
                    spec = TfModelSpec.Read(reader.ReadMessage(wireType, "model_spec", "ModelSpec"));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (outputs.Count == 0)
        {
            throw new WireFormatException($"{ResponseMessage}: no outputs");
        }

        return new InferenceResponse
        {
            ModelName = spec.Name.Length > 0 ? spec.Name : Model.Name,
            ModelVersion = spec.Version,
            Outputs = outputs,
        };
    }

    private static long MeasureMap(IReadOnlyList<Tensor> tensors, TfTensorProto.Plan[] plans, int field, bool raw)
    {
        long size = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            ref var plan = ref plans[i];
            plan = TfTensorProto.Measure(tensors[i], raw);
            plan.NameLength = ProtoWriter.Utf8Size(tensors[i].Name);
            plan.EntrySize = ProtoWriter.FieldSize(1, plan.NameLength) + ProtoWriter.FieldSize(2, plan.Size);
            size += ProtoWriter.FieldSize(field, plan.EntrySize);
        }

        return size;
    }

    private static void WriteMap(ref ProtoWriter writer, IReadOnlyList<Tensor> tensors, TfTensorProto.Plan[] plans, int field, bool raw)
    {
        for (int i = 0; i < tensors.Count; i++)
        {
            ref readonly var plan = ref plans[i];
            writer.WriteLengthPrefix(field, plan.EntrySize);
            writer.WriteStringField(1, tensors[i].Name, plan.NameLength);
            writer.WriteLengthPrefix(2, plan.Size);
            TfTensorProto.Write(ref writer, tensors[i], plan, raw);
        }
    }

    /// <summary>A map entry {key=1, value=2}; the value is read after the key, whatever their order on the wire.</summary>
    private static Tensor ReadMapEntry(ProtoReader entry)
    {
        var (key, value) = ProtoMessages.ReadMapEntry(entry);
        return TfTensorProto.Read(new ProtoReader(value, $"TensorProto '{key}'"), key);
    }

    // Protobuf maps keep the last value of a repeated key.
    private static void AddOrReplace(List<Tensor> tensors, Tensor tensor)
    {
        int index = tensors.FindIndex(t => t.Name == tensor.Name);
        if (index >= 0)
        {
            tensors[index] = tensor;
        }
        else
        {
            tensors.Add(tensor);
        }
    }
}
