using System.Buffers;
using ServingBench.Payloads;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Serialization;

/// <summary>
/// What one Serialization case does in each of the four directions, with everything the measured calls need
/// (payload tensors, encoded bodies) prepared when it is created, so setup never lands in the measured region.
/// </summary>
public abstract class SerializationSubject
{
    /// <summary>The request as it travels (encoded once at creation; what DecodeRequest reads).</summary>
    public ReadOnlyMemory<byte> RequestBody { get; protected init; }

    /// <summary>The response as it travels (encoded once at creation; what DecodeResponse reads).</summary>
    public ReadOnlyMemory<byte> ResponseBody { get; protected init; }

    public abstract void EncodeRequest(IBufferWriter<byte> output);

    public abstract object DecodeRequest();

    public abstract void EncodeResponse(IBufferWriter<byte> output);

    public abstract object DecodeResponse();

    /// <summary>Throws unless decoding gives back exactly what was encoded: a fast wrong answer is no result.</summary>
    public abstract void Verify();

    public static SerializationSubject Create(SerializationCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var payload = PayloadFactory.Get(@case.Payload);
        return @case.Encoding switch
        {
            SerializationCase.Memcpy => new MemcpySubject(payload),
            SerializationCase.NaiveJson => new NaiveJsonSubject(payload),
            SerializationCase.GoogleProtobuf => new GoogleProtobufSubject(payload),
            _ => new CodecSubject(WireCodecs.Create(@case.Scenario!, payload.Model), payload),
        };
    }

    protected static byte[] Encode(Action<IBufferWriter<byte>> encode)
    {
        var writer = new ArrayBufferWriter<byte>();
        encode(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Same datatypes, shapes and bytes, in order; names are not compared (TorchServe bodies carry none).</summary>
    protected static void RequireSameTensors(string what, IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        if (expected.Count != actual.Count)
        {
            throw new InvalidOperationException($"{what}: expected {expected.Count} tensors, decoded {actual.Count}");
        }

        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (e.DataType != a.DataType || !e.Shape.SequenceEqual(a.Shape) || !e.Data.Span.SequenceEqual(a.Data.Span))
            {
                throw new InvalidOperationException($"{what}: tensor {i} decoded as {a}, expected {e} with identical bytes");
            }
        }
    }
}

/// <summary>A catalogue scenario: the codec the clients and emulators use, on the payload that scenario sends.</summary>
public sealed class CodecSubject : SerializationSubject
{
    private readonly IWireCodec _codec;
    private readonly InferenceRequest _request;
    private readonly InferenceResponse _response;
    private readonly WireContent _requestContent;
    private readonly WireContent _responseContent;

    public CodecSubject(IWireCodec codec, Payload payload)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(payload);
        _codec = codec;
        _request = payload.RequestFor(codec.Scenario);
        _response = payload.Response;
        var requestContent = default(WireContent);
        var responseContent = default(WireContent);
        RequestBody = Encode(w => requestContent = codec.EncodeRequest(_request, w));
        ResponseBody = Encode(w => responseContent = codec.EncodeResponse(_response, w));
        _requestContent = requestContent;
        _responseContent = responseContent;
    }

    public override void EncodeRequest(IBufferWriter<byte> output) => _codec.EncodeRequest(_request, output);

    public override object DecodeRequest() => _codec.DecodeRequest(RequestBody, _requestContent);

    public override void EncodeResponse(IBufferWriter<byte> output) => _codec.EncodeResponse(_response, output);

    public override object DecodeResponse() => _codec.DecodeResponse(ResponseBody, _responseContent);

    public override void Verify()
    {
        string name = _codec.Scenario.Name;
        RequireSameTensors($"{name} request", _request.Inputs, ((InferenceRequest)DecodeRequest()).Inputs);
        RequireSameTensors($"{name} response", _response.Outputs, ((InferenceResponse)DecodeResponse()).Outputs);
    }
}
