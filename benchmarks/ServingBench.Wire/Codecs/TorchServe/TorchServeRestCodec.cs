using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// TorchServe's REST predictions API. Encoding <c>raw</c>: the body is the file itself (JPEG, WAV, UTF-8 text) or raw
/// tensor bytes. Encoding <c>json</c>: a custom handler's <c>{"data": nested list}</c>. Either way the answer is the
/// handler's json.dumps(..., indent=2) text (<see cref="TorchServeBodies"/>).
/// </summary>
public sealed class TorchServeRestCodec(Scenario scenario, ModelSignature model) : JsonReadingCodecBase(scenario, model), IWireCodec
{
    /// <summary>TorchServe names a non-form body's single handler input "body".</summary>
    public const string BodyInputName = "body";

    private static readonly JsonElementStyle ClientStyle = new(NumberStyle.Ecma, WidenSingles: false, JsonBytesForm.Base64String);

    // A custom handler's JSON body rather than the raw file or tensor bytes.
    private readonly bool _jsonBody = scenario.Encoding == Encoding.Json;

    public WireContent EncodeRequest(InferenceRequest request, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        if (request.Inputs.Count != 1)
        {
            throw new WireFormatException($"a TorchServe body carries one input; the request has {request.Inputs.Count}");
        }

        var input = request.Inputs[0];
        if (_jsonBody)
        {
            var output = new JsonOutput(body);
            output.Raw("{\"data\":"u8);
            JsonTensorWriter.WriteNestedCompact(ref output, input, ClientStyle);
            output.Byte((byte)'}');
            output.Flush();
            return WireContent.Json;
        }

        if (input.DataType == DataType.Bytes)
        {
            if (input.ElementCount != 1)
            {
                throw new WireFormatException($"a raw body carries one file; input '{input.Name}' has {input.ElementCount} elements");
            }

            var file = input.Data.Span[4..];
            BulkCopy.Write(body, file);
            return new WireContent(TorchServeBodies.FileContentType(file));
        }

        BulkCopy.Write(body, input.Data.Span);
        return WireContent.OctetStream;
    }

    public InferenceRequest DecodeRequest(ReadOnlyMemory<byte> body, WireContent content)
    {
        if (!_jsonBody)
        {
            return TorchServeBodies.DecodeInput(body, content.ContentType, Model, BodyInputName);
        }

        if (Model.Inputs.Count == 0)
        {
            throw new WireFormatException($"model '{Model.Name}' publishes no inputs");
        }

        var spec = Model.Inputs[0];
        var input = new JsonInput(body.Span);
        Tensor? tensor = null;
        if (input.BeginObject())
        {
            do
            {
                if (input.ReadName().SequenceEqual("data"u8))
                {
                    if (tensor is not null)
                    {
                        throw input.Error("'data' appears twice");
                    }

                    using var reader = new JsonTensorReader(Scratch, spec.DataType, allowNonFinite: true, JsonBytesForm.Base64String, SignatureCheck.CapacityHint(body.Length));
                    reader.ReadNested(ref input, 0);
                    var shape = reader.Shape();
                    SignatureCheck.Validate(spec, shape);
                    tensor = reader.ToTensor(spec.Name, shape);
                }
                else
                {
                    input.SkipValue();
                }
            }
            while (input.NextMember());
        }

        input.ExpectEnd();
        return new InferenceRequest
        {
            ModelName = Model.Name,
            Inputs = [tensor ?? throw new WireFormatException("request body has no 'data'")],
        };
    }

    public WireContent EncodeResponse(InferenceResponse response, IBufferWriter<byte> body)
    {
        TorchServeBodies.WriteResponse(response, Model, body);
        return WireContent.Json;
    }

    public InferenceResponse DecodeResponse(ReadOnlyMemory<byte> body, WireContent content) => TorchServeBodies.ReadResponse(body, Model, Scratch);
}
