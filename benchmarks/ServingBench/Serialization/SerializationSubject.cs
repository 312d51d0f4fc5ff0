using System.Buffers;
using ServingBench.Payloads;
using ServingBench.Wire;
using ServingBench.Wire.Compression;
using ServingBench.Wire.Codecs;
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
            SerializationCase.Convert => new ConvertSubject(PayloadFactory.Get(@case.Payload.Twin!), payload),
            _ when payload.BatchSize > 1 && !CarriesBatch(@case.Scenario!) => new ItemsSubject(@case.Scenario!, payload),
            _ => new CodecSubject(WireCodecs.Create(@case.Scenario!, payload.Model), payload),
        };
    }

    /// <summary>
    /// Whether one message of the scenario carries a batch: Triton's and TF Serving's do ([B, …] tensors, B rows);
    /// TorchServe's carry one item each, so a batch is B separate requests (<see cref="ItemsSubject"/>).
    /// </summary>
    public static bool CarriesBatch(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Framework != Framework.TorchServe;
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

/// <summary>
/// A catalogue scenario: the codec the clients and emulators use, on the payload that scenario sends. A compressed
/// scenario compresses what travels as its server does: the request always (the client's compress is in
/// EncodeRequest, the server's inflate in DecodeRequest), the answer where the server compresses its answers
/// (<see cref="ScenarioCatalog.AnswerCompression"/>).
/// </summary>
public sealed class CodecSubject : SerializationSubject
{
    // The emulators' cap on a decompressed body (Triton's --http-max-input-size default): every inflate stops there.
    private const long InflateLimit = 64L * 1024 * 1024;

    private readonly IWireCodec _codec;
    private readonly InferenceRequest _request;
    private readonly InferenceResponse _response;
    private readonly WireContent _requestContent;
    private readonly WireContent _responseContent;
    private readonly BodyCompression? _requestCompression;
    private readonly BodyCompression? _answerCompression;

    // Encoded bodies before compression and inflated bodies before decoding, sized once so measured calls never grow them.
    private readonly BufferPool _buffers = new();
    private readonly PooledBufferWriter? _plain;
    private readonly PooledBufferWriter? _inflated;

    public CodecSubject(IWireCodec codec, Payload payload)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(payload);
        _codec = codec;
        _request = payload.RequestFor(codec.Scenario);
        _response = payload.Response;
        _requestCompression = codec.Scenario.Compression;
        _answerCompression = ScenarioCatalog.AnswerCompression(codec.Scenario);
        var requestContent = default(WireContent);
        var responseContent = default(WireContent);
        byte[] plainRequest = Encode(w => requestContent = codec.EncodeRequest(_request, w));
        byte[] plainResponse = Encode(w => responseContent = codec.EncodeResponse(_response, w));
        int largest = Math.Max(plainRequest.Length, plainResponse.Length);
        if (_requestCompression is not null || _answerCompression is not null)
        {
            _plain = new PooledBufferWriter(_buffers, largest * 2 + 4096);
            _inflated = new PooledBufferWriter(_buffers, largest * 2 + 64 * 1024);
        }

        RequestBody = Compressed(plainRequest, _requestCompression);
        ResponseBody = Compressed(plainResponse, _answerCompression);
        _requestContent = requestContent;
        _responseContent = responseContent;
    }

    public override void EncodeRequest(IBufferWriter<byte> output)
    {
        _codec.EncodeRequest(_request, EncoderTarget(_requestCompression, output));
        CompressInto(_requestCompression, output);
    }

    public override object DecodeRequest() => _codec.DecodeRequest(Inflate(RequestBody, _requestCompression), _requestContent);

    public override void EncodeResponse(IBufferWriter<byte> output)
    {
        _codec.EncodeResponse(_response, EncoderTarget(_answerCompression, output));
        CompressInto(_answerCompression, output);
    }

    // The plain path hands the codec the output itself, as before compression existed (no delegate, no copy); a
    // compressed body is encoded into the cleared plain buffer first and compressed from there.
    private IBufferWriter<byte> EncoderTarget(BodyCompression? compression, IBufferWriter<byte> output)
    {
        if (compression is null)
        {
            return output;
        }

        _plain!.Clear();
        return _plain;
    }

    private void CompressInto(BodyCompression? compression, IBufferWriter<byte> output) =>
        compression?.Compress(_plain!.WrittenSpan, output);

    public override object DecodeResponse() => _codec.DecodeResponse(Inflate(ResponseBody, _answerCompression), _responseContent);

    public override void Verify()
    {
        string name = _codec.Scenario.Name;
        RequireSameTensors($"{name} request", _request.Inputs, ((InferenceRequest)DecodeRequest()).Inputs);
        RequireSameTensors($"{name} response", _response.Outputs, ((InferenceResponse)DecodeResponse()).Outputs);
    }

    private static byte[] Compressed(byte[] plain, BodyCompression? compression) =>
        compression is null ? plain : Encode(w => compression.Compress(plain, w));

    /// <summary>The body as the codec reads it: inflated into a reused buffer (the decoded tensors view it until the next call).</summary>
    private ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> body, BodyCompression? compression)
    {
        if (compression is null)
        {
            return body;
        }

        _inflated!.Clear();
        ContentCoding.Decompress(body, compression.Algorithm, InflateLimit, _inflated);
        return _inflated.WrittenMemory;
    }
}

/// <summary>
/// A batch on a wire that carries one item per request (TorchServe): each direction handles the B items' messages
/// one after another, as a client sending B requests and a server answering them does. Every operation covers the
/// whole batch, so its time and bytes read per call of B items, like a [B, …] message's (docs/batching.md).
/// </summary>
public sealed class ItemsSubject : SerializationSubject
{
    private readonly CodecSubject[] _items;
    private readonly object[] _decoded;

    public ItemsSubject(Scenario scenario, Payload payload)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(payload);
        _items = [.. payload.Items.Select(item => new CodecSubject(WireCodecs.Create(scenario, item.Model), item))];
        _decoded = new object[_items.Length];

        // The bodies of the B messages end to end: what travels, and what the wire-bytes columns count.
        RequestBody = Encode(w => Array.ForEach(_items, item => w.Write(item.RequestBody.Span)));
        ResponseBody = Encode(w => Array.ForEach(_items, item => w.Write(item.ResponseBody.Span)));
    }

    public override void EncodeRequest(IBufferWriter<byte> output)
    {
        foreach (var item in _items)
        {
            item.EncodeRequest(output);
        }
    }

    public override object DecodeRequest() => DecodeEach(static item => item.DecodeRequest());

    public override void EncodeResponse(IBufferWriter<byte> output)
    {
        foreach (var item in _items)
        {
            item.EncodeResponse(output);
        }
    }

    public override object DecodeResponse() => DecodeEach(static item => item.DecodeResponse());

    public override void Verify() => Array.ForEach(_items, item => item.Verify());

    private object[] DecodeEach(Func<CodecSubject, object> decode)
    {
        for (int i = 0; i < _items.Length; i++)
        {
            _decoded[i] = decode(_items[i]);
        }

        return _decoded;
    }
}

/// <summary>
/// The <c>convert</c> control of a half-precision payload: the conversions alone, on the FP32 twin's tensors. The
/// client narrows its FP32 input (EncodeRequest) and widens the FP16/BF16 answer (DecodeResponse); the server's side
/// is the model's Cast at its entry and exit (DecodeRequest widens the input, EncodeResponse narrows the FP32 logits).
/// </summary>
public sealed class ConvertSubject : SerializationSubject
{
    private readonly DataType _type;
    private readonly Tensor _fullRequest;
    private readonly Tensor _fullResponse;
    private readonly float[] _requestFloats;
    private readonly float[] _responseFloats;

    public ConvertSubject(Payload twin, Payload half)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(half);
        _type = half.Kind.HalfType ?? throw new ArgumentException($"payload '{half.Kind}' is not a half-precision payload", nameof(half));
        _fullRequest = twin.TensorRequest.Inputs[0];
        _fullResponse = twin.Response.Outputs[0];
        RequestBody = half.TensorRequest.Inputs[0].Data;
        ResponseBody = half.Response.Outputs[0].Data;
        _requestFloats = new float[_fullRequest.ElementCount];
        _responseFloats = new float[_fullResponse.ElementCount];
    }

    public override void EncodeRequest(IBufferWriter<byte> output) => Narrow(_fullRequest, output);

    public override object DecodeRequest()
    {
        HalfPrecision.Widen(RequestBody.Span, _requestFloats, _type);
        return _requestFloats;
    }

    public override void EncodeResponse(IBufferWriter<byte> output) => Narrow(_fullResponse, output);

    public override object DecodeResponse()
    {
        HalfPrecision.Widen(ResponseBody.Span, _responseFloats, _type);
        return _responseFloats;
    }

    public override void Verify()
    {
        // Narrowing must give the payload's own bytes; widening them back must stay within the type's rounding.
        RequireSameBytes("convert request", RequestBody.Span, Encode(w => EncodeRequest(w)));
        RequireSameBytes("convert response", ResponseBody.Span, Encode(w => EncodeResponse(w)));
        RequireClose("convert request", _fullRequest.AsSpan<float>(), (float[])DecodeRequest());
        RequireClose("convert response", _fullResponse.AsSpan<float>(), (float[])DecodeResponse());
    }

    private void Narrow(Tensor tensor, IBufferWriter<byte> output)
    {
        int bytes = checked((int)tensor.ElementCount * 2);
        HalfPrecision.Narrow(tensor.AsSpan<float>(), output.GetSpan(bytes)[..bytes], _type);
        output.Advance(bytes);
    }

    private static void RequireSameBytes(string what, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"{what}: narrowing did not give the payload's bytes");
        }
    }

    private void RequireClose(string what, ReadOnlySpan<float> full, float[] widened)
    {
        float tolerance = HalfPrecision.RelativeRounding(_type);
        for (int i = 0; i < full.Length; i++)
        {
            if (!(Math.Abs(widened[i] - full[i]) <= tolerance * Math.Abs(full[i]) + HalfPrecision.AbsoluteRounding(_type)))
            {
                throw new InvalidOperationException($"{what}: element {i} came back as {widened[i]} from {full[i]}");
            }
        }
    }
}
