using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.Triton;

/// <summary>
/// KServe v2 / Triton REST inference: JSON tensors with flat data (encoding <c>json</c>), or a JSON header followed by
/// raw tensor bytes (encoding <c>binary</c>, the binary tensor data extension; decoded tensors view the body in place).
/// Answers are written as Triton writes them: compact, FP32 widened to double in rapidjson style.
/// </summary>
public sealed class TritonRestCodec(Scenario scenario, ModelSignature model) : JsonReadingCodecBase(scenario, model), IWireCodec
{
    private static readonly JsonElementStyle ClientStyle = new(NumberStyle.Ecma, WidenSingles: false, JsonBytesForm.Text, AllowNonFinite: false);
    private static readonly JsonElementStyle ServerStyle = new(NumberStyle.RapidJson, WidenSingles: true, JsonBytesForm.Text, AllowNonFinite: false);

    // Binary tensor data extension rather than JSON-only tensors.
    private readonly bool _binaryTensors = scenario.Encoding == Encoding.Binary;

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        var output = new JsonOutput(body);
        output.Byte((byte)'{');
        WriteIdMember(ref output, request.Id);

        output.Raw("\"inputs\":"u8);
        WriteTensors(ref output, request.Inputs, ClientStyle, server: false);
        if (request.Outputs.Count > 0)
        {
            output.Raw(",\"outputs\":["u8);
            for (int i = 0; i < request.Outputs.Count; i++)
            {
                var requested = request.Outputs[i];
                output.Raw(i > 0 ? ",{\"name\":"u8 : "{\"name\":"u8);
                output.String(requested.Name);
                if (requested.Binary is bool flag)
                {
                    output.Raw(",\"parameters\":{\"binary_data\":"u8);
                    output.Bool(flag);
                    output.Byte((byte)'}');
                }

                output.Byte((byte)'}');
            }

            output.Byte((byte)']');
        }

        if (_binaryTensors || request.BinaryDataOutput)
        {
            output.Raw(",\"parameters\":{\"binary_data_output\":true}"u8);
        }

        output.Byte((byte)'}');
        return FinishBody(ref output, request.Inputs);
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        int headerLength = HeaderLength(body, content);
        var header = body.Span[..headerLength];
        var json = new JsonInput(header);
        string? id = null;
        bool binaryOutput = false;
        List<TritonJsonTensor>? inputs = null;
        var outputs = new List<RequestedOutput>();
        if (json.BeginObject())
        {
            do
            {
                var key = json.ReadName();
                if (key.SequenceEqual("id"u8))
                {
                    id = TritonJsonTensor.ReadStringValue(ref json, "id");
                }
                else if (key.SequenceEqual("inputs"u8))
                {
                    inputs = ReadTensors(ref json, header, "inputs");
                }
                else if (key.SequenceEqual("outputs"u8))
                {
                    ReadRequestedOutputs(ref json, outputs);
                }
                else if (key.SequenceEqual("parameters"u8))
                {
                    binaryOutput = ReadBoolParameter(ref json, "binary_data_output"u8) ?? false;
                }
                else
                {
                    json.SkipValue();
                }
            }
            while (json.NextMember());
        }

        json.ExpectEnd();
        var inputTensors = BindTensors(inputs, body, headerLength, "request has no 'inputs'");
        return new InferenceRequest
        {
            ModelName = Model.Name,
            Id = id,
            Inputs = inputTensors,
            Outputs = outputs,
            BinaryDataOutput = binaryOutput,
        };
    }

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(body);
        var output = new JsonOutput(body);
        output.Byte((byte)'{');
        WriteIdMember(ref output, response.Id);

        output.Raw("\"model_name\":"u8);
        output.String(response.ModelName);
        output.Raw(",\"model_version\":"u8);
        output.String(response.ModelVersion ?? "1");
        output.Raw(",\"outputs\":"u8);
        WriteTensors(ref output, response.Outputs, ServerStyle, server: true);
        output.Byte((byte)'}');
        return FinishBody(ref output, response.Outputs);
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content)
    {
        int headerLength = HeaderLength(body, content);
        var header = body.Span[..headerLength];
        var json = new JsonInput(header);
        string? id = null;
        string? modelName = null;
        string? version = null;
        List<TritonJsonTensor>? outputs = null;
        if (json.BeginObject())
        {
            do
            {
                var key = json.ReadName();
                if (key.SequenceEqual("id"u8))
                {
                    id = TritonJsonTensor.ReadStringValue(ref json, "id");
                }
                else if (key.SequenceEqual("model_name"u8))
                {
                    modelName = TritonJsonTensor.ReadStringValue(ref json, "model_name");
                }
                else if (key.SequenceEqual("model_version"u8))
                {
                    version = TritonJsonTensor.ReadStringValue(ref json, "model_version");
                }
                else if (key.SequenceEqual("outputs"u8))
                {
                    outputs = ReadTensors(ref json, header, "outputs");
                }
                else if (key.SequenceEqual("error"u8))
                {
                    throw new WireFormatException($"server returned an error: {TritonJsonTensor.ReadStringValue(ref json, "error")}");
                }
                else
                {
                    json.SkipValue();
                }
            }
            while (json.NextMember());
        }

        json.ExpectEnd();
        var outputTensors = BindTensors(outputs, body, headerLength, "response has no 'outputs'");
        return new InferenceResponse
        {
            ModelName = modelName ?? throw new WireFormatException("response has no 'model_name'"),
            ModelVersion = version,
            Id = id,
            Outputs = outputTensors,
        };
    }

    private static int HeaderLength(ReadOnlyMemory<byte> body, WireContent content)
    {
        if (content.InferenceHeaderLength is not int length)
        {
            return body.Length;
        }

        if (length < 0 || length > body.Length)
        {
            throw new WireFormatException($"Inference-Header-Content-Length {length} is outside the {body.Length}-byte body");
        }

        return length;
    }

    // "id" leads both messages, and only when there is one.
    private static void WriteIdMember(ref JsonOutput output, string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            output.Raw("\"id\":"u8);
            output.String(id);
            output.Byte((byte)',');
        }
    }

    // The "inputs" or "outputs" list: one tensor object per tensor, comma-separated.
    private void WriteTensors(ref JsonOutput output, IReadOnlyList<Tensor> tensors, in JsonElementStyle style, bool server)
    {
        output.Byte((byte)'[');
        for (int i = 0; i < tensors.Count; i++)
        {
            if (i > 0)
            {
                output.Byte((byte)',');
            }

            WriteTensor(ref output, tensors[i], style, server);
        }

        output.Byte((byte)']');
    }

    // Clients (tritonclient) write name, shape, datatype; Triton answers with name, datatype, shape.
    private void WriteTensor(ref JsonOutput output, Tensor tensor, in JsonElementStyle style, bool server)
    {
        output.Raw("{\"name\":"u8);
        output.String(tensor.Name);
        if (server)
        {
            WriteDatatype(ref output, tensor);
        }

        output.Raw(",\"shape\":["u8);
        var shape = tensor.Shape;
        for (int d = 0; d < shape.Length; d++)
        {
            if (d > 0)
            {
                output.Byte((byte)',');
            }

            output.Int64(shape[d]);
        }

        output.Byte((byte)']');
        if (!server)
        {
            WriteDatatype(ref output, tensor);
        }

        if (_binaryTensors)
        {
            output.Raw(",\"parameters\":{\"binary_data_size\":"u8);
            output.Int64(tensor.Data.Length);
            output.Raw("}}"u8);
            return;
        }

        if (tensor.DataType is DataType.FP16 or DataType.BF16)
        {
            throw TritonJsonTensor.HalfInJson(tensor.DataType, server ? null : tensor.Name);
        }

        output.Raw(",\"data\":"u8);
        JsonTensorWriter.WriteFlat(ref output, tensor, style);
        output.Byte((byte)'}');
    }

    private static void WriteDatatype(ref JsonOutput output, Tensor tensor)
    {
        output.Raw(",\"datatype\":\""u8);
        output.Raw(tensor.DataType switch
        {
            DataType.Bool => "BOOL"u8,
            DataType.UInt8 => "UINT8"u8,
            DataType.UInt16 => "UINT16"u8,
            DataType.UInt32 => "UINT32"u8,
            DataType.UInt64 => "UINT64"u8,
            DataType.Int8 => "INT8"u8,
            DataType.Int16 => "INT16"u8,
            DataType.Int32 => "INT32"u8,
            DataType.Int64 => "INT64"u8,
            DataType.FP16 => "FP16"u8,
            DataType.FP32 => "FP32"u8,
            DataType.FP64 => "FP64"u8,
            DataType.BF16 => "BF16"u8,
            DataType.Bytes => "BYTES"u8,
            _ => throw new WireFormatException($"tensor '{tensor.Name}' has unknown datatype value {(int)tensor.DataType}"),
        });
        output.Byte((byte)'"');
    }

    // Binary: the raw bytes follow the header, whose length travels as Inference-Header-Content-Length.
    private WireContent FinishBody(ref JsonOutput output, IReadOnlyList<Tensor> tensors)
    {
        if (!_binaryTensors)
        {
            output.Flush();
            return WireContent.Json;
        }

        int headerLength = checked((int)output.Position);
        foreach (var tensor in tensors)
        {
            output.Binary(tensor.Data.Span);
        }

        output.Flush();
        return new WireContent(WireContent.OctetStream.ContentType, headerLength);
    }

    private List<TritonJsonTensor> ReadTensors(ref JsonInput json, ReadOnlySpan<byte> header, string what)
    {
        if (json.PeekRequired() != '[')
        {
            throw json.Error($"'{what}' must be a list, found {json.Describe()}");
        }

        var tensors = new List<TritonJsonTensor>();
        if (json.BeginArray())
        {
            do
            {
                tensors.Add(TritonJsonTensor.Read(ref json, header, what, Scratch));
            }
            while (json.NextElement());
        }

        return tensors;
    }

    // The decoded "inputs" or "outputs" (missing: an error), with binary tensor data after the header bound to them.
    private static IReadOnlyList<Tensor> BindTensors(List<TritonJsonTensor>? tensors, ReadOnlyMemory<byte> body, int headerLength, string missing)
    {
        if (tensors is null)
        {
            throw new WireFormatException(missing);
        }

        TritonJsonTensor.BindBinary(tensors, body, headerLength);
        return [.. tensors.Select(t => t.Tensor!)];
    }

    private static void ReadRequestedOutputs(ref JsonInput json, List<RequestedOutput> outputs)
    {
        if (json.PeekRequired() != '[')
        {
            throw json.Error($"'outputs' must be a list, found {json.Describe()}");
        }

        if (!json.BeginArray())
        {
            return;
        }

        do
        {
            string? name = null;
            bool? binary = null;
            if (json.PeekRequired() != '{')
            {
                throw json.Error($"each requested output must be an object, found {json.Describe()}");
            }

            if (json.BeginObject())
            {
                do
                {
                    var key = json.ReadName();
                    if (key.SequenceEqual("name"u8))
                    {
                        name = TritonJsonTensor.ReadStringValue(ref json, "name");
                    }
                    else if (key.SequenceEqual("parameters"u8))
                    {
                        binary = ReadBoolParameter(ref json, "binary_data"u8);
                    }
                    else
                    {
                        json.SkipValue(2);
                    }
                }
                while (json.NextMember());
            }

            outputs.Add(new RequestedOutput(name ?? throw new WireFormatException("a requested output has no 'name'"), binary));
        }
        while (json.NextElement());
    }

    private static bool? ReadBoolParameter(ref JsonInput json, ReadOnlySpan<byte> wanted)
    {
        if (json.PeekRequired() != '{')
        {
            throw json.Error($"'parameters' must be an object, found {json.Describe()}");
        }

        bool? value = null;
        if (json.BeginObject())
        {
            do
            {
                if (json.ReadName().SequenceEqual(wanted))
                {
                    value = json.ReadBool();
                }
                else
                {
                    json.SkipValue(2);
                }
            }
            while (json.NextMember());
        }

        return value;
    }
}
