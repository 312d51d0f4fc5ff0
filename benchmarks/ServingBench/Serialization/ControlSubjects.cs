using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using ServingBench.Wire;
using ServingBench.Wire.Protos.Kserve;
using ServingBench.Wire.Tensors;

namespace ServingBench.Serialization;

/// <summary>
/// The physical floor: copying the payload's bytes (the tensor's raw bytes, or the JPEG) into a ready buffer,
/// with the same copy routine the raw codecs use (<see cref="BulkCopy"/>, which avoids memmove's placement cliff).
/// No encoding can beat it; every "× memcpy" ratio is read against it.
/// </summary>
public sealed class MemcpySubject : SerializationSubject
{
    private readonly byte[] _requestCopy;
    private readonly byte[] _responseCopy;

    public MemcpySubject(Payload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        // JPEG travels as the files themselves (one per item of a batch); tensor payloads as their raw element bytes.
        var request = payload.FileRequest is not null && (payload.Kind.Single ?? payload.Kind) == PayloadKind.Resnet50Jpeg
            ? [.. payload.FileRequest.Inputs[0].GetBytesElements().SelectMany(file => file.ToArray())]
            : Concat(payload.TensorRequest.Inputs);
        RequestBody = request;
        ResponseBody = Concat(payload.Response.Outputs);
        _requestCopy = new byte[RequestBody.Length];
        _responseCopy = new byte[ResponseBody.Length];
    }

    public override void EncodeRequest(IBufferWriter<byte> output) => Copy(RequestBody.Span, output);

    public override object DecodeRequest()
    {
        BulkCopy.Copy(RequestBody.Span, _requestCopy);
        return _requestCopy;
    }

    public override void EncodeResponse(IBufferWriter<byte> output) => Copy(ResponseBody.Span, output);

    public override object DecodeResponse()
    {
        BulkCopy.Copy(ResponseBody.Span, _responseCopy);
        return _responseCopy;
    }

    public override void Verify()
    {
        if (!((byte[])DecodeRequest()).AsSpan().SequenceEqual(RequestBody.Span) || !((byte[])DecodeResponse()).AsSpan().SequenceEqual(ResponseBody.Span))
        {
            throw new InvalidOperationException("memcpy control did not copy its bytes");
        }
    }

    private static void Copy(ReadOnlySpan<byte> source, IBufferWriter<byte> output) => BulkCopy.Write(output, source);

    private static byte[] Concat(IReadOnlyList<Tensor> tensors) => tensors.SelectMany(t => t.Data.ToArray()).ToArray();
}

/// <summary>
/// The peer to beat: System.Text.Json's JsonSerializer over nested arrays (float[][][][] for an image), the code
/// most users write first. Nested arrays are built once; the measured calls only serialize / deserialize.
/// </summary>
public sealed class NaiveJsonSubject : SerializationSubject
{
    private readonly Array _request;
    private readonly Array _response;
    private readonly Type _requestType;
    private readonly Type _responseType;
    private readonly Utf8JsonWriter _writer = new(new ArrayBufferWriter<byte>());

    public NaiveJsonSubject(Payload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        (_request, _requestType) = NestedArrays.From(payload.TensorRequest.Inputs[0]);
        (_response, _responseType) = NestedArrays.From(payload.Response.Outputs[0]);
        RequestBody = JsonSerializer.SerializeToUtf8Bytes(_request, _requestType);
        ResponseBody = JsonSerializer.SerializeToUtf8Bytes(_response, _responseType);
    }

    public override void EncodeRequest(IBufferWriter<byte> output) => Serialize(_request, _requestType, output);

    public override object DecodeRequest() => JsonSerializer.Deserialize(RequestBody.Span, _requestType)!;

    public override void EncodeResponse(IBufferWriter<byte> output) => Serialize(_response, _responseType, output);

    public override object DecodeResponse() => JsonSerializer.Deserialize(ResponseBody.Span, _responseType)!;

    public override void Verify()
    {
        if (!NestedArrays.Flatten((Array)DecodeRequest()).SequenceEqual(NestedArrays.Flatten(_request))
            || !NestedArrays.Flatten((Array)DecodeResponse()).SequenceEqual(NestedArrays.Flatten(_response)))
        {
            throw new InvalidOperationException("naive JSON control did not round-trip its arrays");
        }
    }

    private void Serialize(Array value, Type type, IBufferWriter<byte> output)
    {
        _writer.Reset(output);
        JsonSerializer.Serialize(_writer, value, type);
        _writer.Flush();
    }
}

/// <summary>
/// The stock path for the ratio baseline's messages: Triton's ModelInferRequest / ModelInferResponse with raw
/// contents, through the classes Google.Protobuf generates from protos/kserve, as a user of the generated client
/// writes it (tensor bytes wrapped, not copied, on the way out; views of the parsed ByteStrings on the way in).
/// Its "× raw" is how much the hand-written codec (triton-grpc-raw, the same wire bytes) saves on tensor messages.
/// </summary>
public sealed class GoogleProtobufSubject : SerializationSubject
{
    private readonly InferenceRequest _request;
    private readonly InferenceResponse _response;

    public GoogleProtobufSubject(Payload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        _request = payload.RequestFor(ScenarioCatalog.TritonGrpcRaw);
        _response = payload.Response;
        RequestBody = ToRequest(_request).ToByteArray();
        ResponseBody = ToResponse(_response).ToByteArray();
    }

    public override void EncodeRequest(IBufferWriter<byte> output) => ToRequest(_request).WriteTo(output);

    public override object DecodeRequest()
    {
        var message = ModelInferRequest.Parser.ParseFrom(RequestBody.Span);
        var inputs = ToTensors(message.Inputs.Select(i => (i.Name, i.Datatype, i.Shape)), message.RawInputContents);
        return new InferenceRequest { ModelName = message.ModelName, ModelVersion = message.ModelVersion, Inputs = inputs };
    }

    public override void EncodeResponse(IBufferWriter<byte> output) => ToResponse(_response).WriteTo(output);

    public override object DecodeResponse()
    {
        var message = ModelInferResponse.Parser.ParseFrom(ResponseBody.Span);
        var outputs = ToTensors(message.Outputs.Select(o => (o.Name, o.Datatype, o.Shape)), message.RawOutputContents);
        return new InferenceResponse { ModelName = message.ModelName, ModelVersion = message.ModelVersion, Outputs = outputs };
    }

    public override void Verify()
    {
        RequireSameTensors("google-protobuf request", _request.Inputs, ((InferenceRequest)DecodeRequest()).Inputs);
        RequireSameTensors("google-protobuf response", _response.Outputs, ((InferenceResponse)DecodeResponse()).Outputs);
    }

    private static ModelInferRequest ToRequest(InferenceRequest request)
    {
        var message = new ModelInferRequest { ModelName = request.ModelName, ModelVersion = request.ModelVersion ?? string.Empty, Id = request.Id ?? string.Empty };
        message.Inputs.AddRange(request.Inputs.Select(t => new ModelInferRequest.Types.InferInputTensor { Name = t.Name, Datatype = t.DataType.ToKServeName(), Shape = { t.Shape.ToArray() } }));
        message.Outputs.AddRange(request.Outputs.Select(o => new ModelInferRequest.Types.InferRequestedOutputTensor { Name = o.Name }));
        message.RawInputContents.AddRange(request.Inputs.Select(t => UnsafeByteOperations.UnsafeWrap(t.Data)));
        return message;
    }

    private static ModelInferResponse ToResponse(InferenceResponse response)
    {
        var message = new ModelInferResponse { ModelName = response.ModelName, ModelVersion = response.ModelVersion ?? string.Empty };
        message.Outputs.AddRange(response.Outputs.Select(t => new ModelInferResponse.Types.InferOutputTensor { Name = t.Name, Datatype = t.DataType.ToKServeName(), Shape = { t.Shape.ToArray() } }));
        message.RawOutputContents.AddRange(response.Outputs.Select(t => UnsafeByteOperations.UnsafeWrap(t.Data)));
        return message;
    }

    /// <summary>Tensors that view the parsed ByteStrings, as the hand-written codec's tensors view the body.</summary>
    private static Tensor[] ToTensors(IEnumerable<(string Name, string Datatype, RepeatedField<long> Shape)> headers, IReadOnlyList<ByteString> contents) =>
        [.. headers.Select((h, i) => new Tensor(h.Name, DataTypeInfo.ParseKServeName(h.Datatype), h.Shape.ToArray(), contents[i].Memory))];
}
