using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>
/// TF Serving's REST predict API: <c>{"instances": [...]}</c> (row format) or <c>{"inputs": ...}</c> (columnar),
/// tensors as nested lists typed by the model's signature. Answers are written as json_tensor.cc writes them
/// (rapidjson PrettyWriter, rows on one line, floats in printf-shortest style).
/// </summary>
public sealed class TfServingRestCodec(Scenario scenario, ModelSignature model) : JsonReadingCodecBase(scenario, model), IWireCodec
{
    // Shortest float32 digits with ".0" on integral values ("3.0", "1e-7"): TF refuses integer literals beyond a
    // float's mantissa, and its rapidjson reader takes this spelling; printf-style rounding would cost twice as much.
    private static readonly JsonElementStyle ClientStyle = new(NumberStyle.RapidJson, WidenSingles: false, JsonBytesForm.Base64Object);

    // Row format ({"instances"}) rather than columnar ({"inputs"}).
    private readonly bool _rowFormat = scenario.Encoding == Encoding.JsonRow;

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        var output = new JsonOutput(body);
        output.Byte((byte)'{');
        if (request.SignatureName is not null)
        {
            output.Raw("\"signature_name\":"u8);
            output.String(request.SignatureName);
            output.Byte((byte)',');
        }

        var inputs = request.Inputs;
        if (inputs.Count == 0)
        {
            throw new WireFormatException("request has no inputs");
        }

        foreach (var input in inputs)
        {
            JsonTensorWriter.EnsureJsonType(input);
        }

        if (_rowFormat)
        {
            output.Raw("\"instances\":"u8);
            if (inputs.Count == 1)
            {
                RequireBatch(inputs[0]);
                JsonTensorWriter.WriteNestedCompact(ref output, inputs[0], ClientStyle);
            }
            else
            {
                WriteCompactRows(ref output, inputs);
            }
        }
        else
        {
            output.Raw("\"inputs\":"u8);
            if (inputs.Count == 1)
            {
                JsonTensorWriter.WriteNestedCompact(ref output, inputs[0], ClientStyle);
            }
            else
            {
                output.Byte((byte)'{');
                for (int i = 0; i < inputs.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Byte((byte)',');
                    }

                    output.String(inputs[i].Name);
                    output.Byte((byte)':');
                    JsonTensorWriter.WriteNestedCompact(ref output, inputs[i], ClientStyle);
                }

                output.Byte((byte)'}');
            }
        }

        output.Byte((byte)'}');
        output.Flush();
        return WireContent.Json;
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        var json = new JsonInput(body.Span);
        string? signature = null;
        IReadOnlyList<Tensor>? tensors = null;
        if (json.BeginObject())
        {
            do
            {
                var name = json.ReadName();
                if (name.SequenceEqual("signature_name"u8))
                {
                    if (json.PeekRequired() != '"')
                    {
                        throw json.Error("'signature_name' must be a string");
                    }

                    signature = json.ReadString();
                }
                else if (name.SequenceEqual("instances"u8) || name.SequenceEqual("inputs"u8))
                {
                    if (tensors is not null)
                    {
                        throw json.Error("expected only one of 'inputs' or 'instances'");
                    }

                    bool rows = name.SequenceEqual("instances"u8);
                    tensors = rows
                        ? ReadRows(ref json, Model.Inputs, "instances", body.Length)
                        : ReadColumns(ref json, Model.Inputs, "inputs", body.Length);
                }
                else
                {
                    json.SkipValue();
                }
            }
            while (json.NextMember());
        }

        json.ExpectEnd();
        return new InferenceRequest
        {
            ModelName = Model.Name,
            SignatureName = signature,
            Inputs = tensors ?? throw new WireFormatException("missing 'inputs' or 'instances' key"),
        };
    }

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(body);
        var outputs = response.Outputs;
        if (outputs.Count == 0)
        {
            throw new WireFormatException("cannot convert an empty tensor map to JSON");
        }

        foreach (var tensor in outputs)
        {
            JsonTensorWriter.EnsureJsonType(tensor);
        }

        var output = new JsonOutput(body);
        var layout = default(RapidJsonPretty);
        layout.StartObject(ref output);
        bool named = outputs.Count > 1;
        if (_rowFormat)
        {
            WritePrettyRows(ref output, ref layout, outputs, named);
        }
        else
        {
            layout.Key(ref output, "outputs");
            if (named)
            {
                layout.StartObject(ref output);
            }

            foreach (var tensor in outputs)
            {
                if (named)
                {
                    layout.Key(ref output, tensor.Name);
                }

                int offset = 0;
                WritePretty(ref output, ref layout, tensor, 0, ref offset);
            }

            if (named)
            {
                layout.EndObject(ref output);
            }
        }

        layout.EndObject(ref output);
        output.Flush();
        return WireContent.Json;
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content)
    {
        var json = new JsonInput(body.Span);
        IReadOnlyList<Tensor>? tensors = null;
        if (json.BeginObject())
        {
            do
            {
                var name = json.ReadName();
                if (name.SequenceEqual("predictions"u8) || name.SequenceEqual("outputs"u8))
                {
                    if (tensors is not null)
                    {
                        throw json.Error("expected only one of 'predictions' or 'outputs'");
                    }

                    tensors = name.SequenceEqual("predictions"u8)
                        ? ReadRows(ref json, Model.Outputs, "predictions", body.Length)
                        : ReadColumns(ref json, Model.Outputs, "outputs", body.Length);
                }
                else if (name.SequenceEqual("error"u8))
                {
                    string message = json.PeekRequired() == '"' ? json.ReadString() : "(not a string)";
                    throw new WireFormatException($"server returned an error: {message}");
                }
                else
                {
                    json.SkipValue();
                }
            }
            while (json.NextMember());
        }

        json.ExpectEnd();
        return new InferenceResponse
        {
            ModelName = Model.Name,
            Outputs = tensors ?? throw new WireFormatException("missing 'predictions' or 'outputs' key"),
        };
    }

    private static JsonElementStyle ServerStyle(Tensor tensor) => new(
        NumberStyle.CPrintfShortest,
        WidenSingles: false,
        tensor.Name.EndsWith("_bytes", StringComparison.Ordinal) ? JsonBytesForm.Base64Object : JsonBytesForm.Text);

    private static long RequireBatch(Tensor tensor)
    {
        if (tensor.Shape.Length == 0)
        {
            throw new WireFormatException($"tensor '{tensor.Name}' has no batch dimension; row format needs one");
        }

        return tensor.Shape[0];
    }

    private static long CommonBatch(IReadOnlyList<Tensor> tensors)
    {
        long batch = RequireBatch(tensors[0]);
        foreach (var tensor in tensors)
        {
            if (RequireBatch(tensor) != batch)
            {
                throw new WireFormatException($"tensor '{tensor.Name}' has inconsistent batch size {tensor.Shape[0]}, expected {batch}");
            }
        }

        return batch;
    }

    private static void WriteCompactRows(ref JsonOutput output, IReadOnlyList<Tensor> inputs)
    {
        long batch = CommonBatch(inputs);
        Span<int> offsets = inputs.Count <= 64 ? stackalloc int[inputs.Count] : new int[inputs.Count];
        output.Byte((byte)'[');
        for (long row = 0; row < batch; row++)
        {
            output.Raw(row == 0 ? "{"u8 : ",{"u8);
            for (int i = 0; i < inputs.Count; i++)
            {
                if (i > 0)
                {
                    output.Byte((byte)',');
                }

                output.String(inputs[i].Name);
                output.Byte((byte)':');
                JsonTensorWriter.WriteNestedCompact(ref output, inputs[i], inputs[i].Data.Span, 1, ref offsets[i], ClientStyle);
            }

            output.Byte((byte)'}');
        }

        output.Byte((byte)']');
    }

    // MakeRowFormatJsonFromTensors: rows in single-line mode, the objects around them in the default layout.
    private static void WritePrettyRows(ref JsonOutput output, ref RapidJsonPretty layout, IReadOnlyList<Tensor> outputs, bool named)
    {
        long batch = CommonBatch(outputs);
        Span<int> offsets = outputs.Count <= 64 ? stackalloc int[outputs.Count] : new int[outputs.Count];
        layout.Key(ref output, "predictions");
        layout.StartArray(ref output);
        for (long row = 0; row < batch; row++)
        {
            if (named)
            {
                layout.StartObject(ref output);
            }

            layout.SingleLineArrays = true;
            for (int i = 0; i < outputs.Count; i++)
            {
                if (named)
                {
                    layout.Key(ref output, outputs[i].Name);
                }

                WritePretty(ref output, ref layout, outputs[i], 1, ref offsets[i]);
            }

            layout.SingleLineArrays = false;
            if (named)
            {
                layout.EndObject(ref output);
            }
        }

        layout.EndArray(ref output);
    }

    private static void WritePretty(ref JsonOutput output, ref RapidJsonPretty layout, Tensor tensor, int dim, ref int offset)
    {
        var style = ServerStyle(tensor);
        var data = tensor.Data.Span;
        if (tensor.DataType != DataType.Bytes || style.Bytes != JsonBytesForm.Base64Object)
        {
            JsonTensorWriter.WritePretty(ref output, ref layout, tensor, data, dim, ref offset, style);
            return;
        }

        // rapidjson lays out each {"b64": ...} object like any other object, so it goes through the layout too.
        WritePrettyBase64(ref output, ref layout, tensor, data, dim, ref offset);
    }

    private static void WritePrettyBase64(ref JsonOutput output, ref RapidJsonPretty layout, Tensor tensor, ReadOnlySpan<byte> data, int dim, ref int offset)
    {
        var shape = tensor.Shape;
        if (dim >= shape.Length)
        {
            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            layout.StartObject(ref output);
            layout.Key(ref output, "b64");
            layout.Prefix(ref output);
            output.Byte((byte)'"');
            output.Base64Text(data.Slice(offset + 4, length));
            output.Byte((byte)'"');
            layout.EndObject(ref output);
            offset += 4 + length;
            return;
        }

        layout.StartArray(ref output);
        for (long i = 0; i < shape[dim]; i++)
        {
            WritePrettyBase64(ref output, ref layout, tensor, data, dim + 1, ref offset);
        }

        layout.EndArray(ref output);
    }

    // The value under "instances" / "predictions": one list per batch item; items are objects keyed by tensor name
    // when the item is a (non-b64) object.
    private List<Tensor> ReadRows(ref JsonInput json, IReadOnlyList<TensorSpec> specs, string key, int bodyLength)
    {
        if (json.PeekRequired() != '[')
        {
            throw json.Error($"'{key}' must be a list, found {json.Describe()}");
        }

        if (!StartsNamedObject(json, inList: true))
        {
            var spec = SingleSpec(specs, key);
            using var reader = new JsonTensorReader(Scratch, spec.DataType, allowNonFinite: true, JsonBytesForm.Base64Object, SignatureCheck.CapacityHint(bodyLength), rejectLossyIntegers: true);
            reader.ReadNested(ref json, 0);
            return [Finish(reader, spec, reader.Shape())];
        }

        var readers = new JsonTensorReader[specs.Count];
        try
        {
            for (int i = 0; i < specs.Count; i++)
            {
                readers[i] = new JsonTensorReader(Scratch, specs[i].DataType, allowNonFinite: true, JsonBytesForm.Base64Object, SignatureCheck.CapacityHint(bodyLength / specs.Count), rejectLossyIntegers: true);
            }

            var seen = new bool[specs.Count];
            var names = Utf8Names(specs);
            long items = 0;
            json.BeginArray();
            do
            {
                if (json.PeekRequired() != '{')
                {
                    throw json.Error($"item {items} of '{key}' must be an object keyed by tensor name like the first, found {json.Describe()}");
                }

                Array.Clear(seen);
                if (json.BeginObject())
                {
                    do
                    {
                        int index = IndexOf(names, json.ReadName(), specs, ref json);
                        if (seen[index])
                        {
                            throw json.Error($"item {items} of '{key}' names '{specs[index].Name}' twice");
                        }

                        seen[index] = true;
                        readers[index].ReadNested(ref json, 1);
                    }
                    while (json.NextMember());
                }

                int missing = Array.IndexOf(seen, false);
                if (missing >= 0)
                {
                    throw json.Error($"item {items} of '{key}' has no '{specs[missing].Name}'");
                }

                items++;
            }
            while (json.NextElement());

            var tensors = new List<Tensor>(specs.Count);
            for (int i = 0; i < specs.Count; i++)
            {
                tensors.Add(Finish(readers[i], specs[i], readers[i].Shape([items])));
            }

            return tensors;
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader?.Dispose();
            }
        }
    }

    // The value under "inputs" / "outputs": one tensor, or an object keyed by tensor name.
    private List<Tensor> ReadColumns(ref JsonInput json, IReadOnlyList<TensorSpec> specs, string key, int bodyLength)
    {
        if (!StartsNamedObject(json, inList: false))
        {
            var spec = SingleSpec(specs, key);
            using var reader = new JsonTensorReader(Scratch, spec.DataType, allowNonFinite: true, JsonBytesForm.Base64Object, SignatureCheck.CapacityHint(bodyLength), rejectLossyIntegers: true);
            reader.ReadNested(ref json, 0);
            return [Finish(reader, spec, reader.Shape())];
        }

        var tensors = new Tensor?[specs.Count];
        var names = Utf8Names(specs);
        if (json.BeginObject())
        {
            do
            {
                int index = IndexOf(names, json.ReadName(), specs, ref json);
                if (tensors[index] is not null)
                {
                    throw json.Error($"'{key}' names '{specs[index].Name}' twice");
                }

                using var reader = new JsonTensorReader(Scratch, specs[index].DataType, allowNonFinite: true, JsonBytesForm.Base64Object, SignatureCheck.CapacityHint(bodyLength), rejectLossyIntegers: true);
                reader.ReadNested(ref json, 0);
                tensors[index] = Finish(reader, specs[index], reader.Shape());
            }
            while (json.NextMember());
        }

        int missing = Array.IndexOf(tensors, null);
        if (missing >= 0)
        {
            throw new WireFormatException($"'{key}' has no '{specs[missing].Name}'");
        }

        return [.. tensors.Select(t => t!)];
    }

    private static Tensor Finish(JsonTensorReader reader, TensorSpec spec, long[] shape)
    {
        SignatureCheck.Validate(spec, shape);
        return reader.ToTensor(spec.Name, shape);
    }

    private static TensorSpec SingleSpec(IReadOnlyList<TensorSpec> specs, string key) => specs.Count switch
    {
        1 => specs[0],
        0 => throw new WireFormatException("the model publishes no tensors here"),
        _ => throw new WireFormatException($"'{key}' must be keyed by tensor name: the model has {specs.Count} ({string.Join(", ", specs.Select(s => s.Name))})"),
    };

    private static byte[][] Utf8Names(IReadOnlyList<TensorSpec> specs) => [.. specs.Select(s => System.Text.Encoding.UTF8.GetBytes(s.Name))];

    // Matches the raw key bytes, so that a row per batch item allocates no strings.
    private static int IndexOf(byte[][] names, ReadOnlySpan<byte> key, IReadOnlyList<TensorSpec> specs, ref JsonInput json)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (key.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        throw json.Error($"the model has no tensor named '{System.Text.Encoding.UTF8.GetString(key)}' (known: {string.Join(", ", specs.Select(s => s.Name))})");
    }

    // Looks ahead (on a copy) for an object that is not a {"b64": ...} value: that marks tensors keyed by name.
    private static bool StartsNamedObject(JsonInput probe, bool inList)
    {
        if (inList && !probe.BeginArray())
        {
            return false;
        }

        if (probe.Peek() != '{')
        {
            return false;
        }

        if (!probe.BeginObject())
        {
            return true;
        }

        return !probe.ReadName().SequenceEqual("b64"u8);
    }
}
