using System.Buffers;
using System.Text.Json;
using ServingBench.Wire;
using ServingBench.Wire.Scenarios;
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
        // JPEG travels as the file itself; tensor payloads as their raw element bytes.
        var request = payload.FileRequest is not null && payload.Kind == PayloadKind.Resnet50Jpeg
            ? payload.FileRequest.Inputs[0].GetBytesElements()[0].ToArray()
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
