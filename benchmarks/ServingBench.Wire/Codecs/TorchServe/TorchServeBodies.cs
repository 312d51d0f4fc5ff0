using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// What TorchServe's handlers do with bodies, shared by the REST and gRPC codecs: turn a raw body (a file, or
/// raw tensor bytes for a custom handler) into model inputs, and write / read the handler's JSON answer
/// (json.dumps(..., indent=2), floats as Python repr).
/// </summary>
public static class TorchServeBodies
{
    public const string JpegContentType = "image/jpeg";
    public const string WavContentType = "audio/wav";
    public const string TextContentType = "text/plain; charset=utf-8";

    private static readonly JsonElementStyle PythonStyle = new(NumberStyle.Python, WidenSingles: true, JsonBytesForm.Text, AllowNonFinite: true, AsciiOnly: true);

    /// <summary>
    /// Interprets one raw input (REST body or gRPC input map entry) for <paramref name="model"/>: a JPEG, WAV or
    /// UTF-8 text file becomes a BYTES [1] tensor named <paramref name="inputName"/>; raw tensor bytes become the
    /// model's first input with its datatype and a batch of one (viewing <paramref name="data"/> in place).
    /// A Content-Type, when given, decides; without one the bytes are sniffed.
    /// </summary>
    public static InferenceRequest DecodeInput(ReadOnlyMemory<byte> data, string? contentType, ModelSignature model, string inputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputName);
        if (data.IsEmpty)
        {
            throw new WireFormatException("the request body is empty");
        }

        var tensor = IsFile(data.Span, contentType, model)
            ? Tensor.FromBytesElements(inputName, [1], [data])
            : RawTensor(data, model);
        return new InferenceRequest { ModelName = model.Name, Inputs = [tensor] };
    }

    /// <summary>The Content-Type a file is sent with: sniffed from its first bytes (JPEG, WAV, else UTF-8 text).</summary>
    public static string FileContentType(ReadOnlySpan<byte> file) =>
        IsJpeg(file) ? JpegContentType : IsWav(file) ? WavContentType : TextContentType;

    /// <summary>Writes the handler's answer for <paramref name="response"/> as TorchServe sends it.</summary>
    public static void WriteResponse(InferenceResponse response, ModelSignature model, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(body);
        var tensor = response.Outputs.FirstOrDefault(t => model.Outputs.Count > 0 && t.Name == model.Outputs[0].Name)
            ?? response.Outputs.FirstOrDefault()
            ?? throw new WireFormatException("response has no outputs");
        // A half-precision model's handler answers tensor.tolist(): Python floats, each the half value exactly.
        var output = new JsonOutput(body);
        JsonTensorWriter.WritePython(ref output, HalfPrecision.Widen(tensor), PythonStyle);
        output.Flush();
    }

    /// <summary>
    /// Reads a handler answer: the model output as <see cref="WriteResponse"/> writes it (a custom handler's nested
    /// list), or the model's stock handler answer (<see cref="ModelSignature.StockAnswer"/>: top-5 labels, a transcript, a summary).
    /// </summary>
    public static InferenceResponse ReadResponse(ReadOnlyMemory<byte> body, ModelSignature model, BufferPool scratch)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Outputs.Count == 0)
        {
            throw new WireFormatException($"model '{model.Name}' publishes no outputs");
        }

        var spec = model.Outputs[0];
        var json = new JsonInput(body.Span);
        if (json.Peek() == '{')
        {
            var form = model.StockAnswer;
            return form is not null && form.TryRead(body.Span, model.Name, out var answer)
                ? answer
                : throw new WireFormatException(
                    $"expected {spec.Name} {spec.DataType.ToKServeName()} [{string.Join(",", spec.Shape)}] as a nested list"
                    + (form is null ? "; got a JSON object" : $", or a stock handler's answer ({form.Description}); got a JSON object of neither form")
                    + ErrorMessage(body.Span));
        }

        // FP16 and BF16 answers arrive as the numbers tolist() writes: read as FP32, then rounded back (exactly).
        bool half = HalfPrecision.IsHalfType(spec.DataType);
        using var reader = new JsonTensorReader(scratch, half ? DataType.FP32 : spec.DataType, allowNonFinite: true, JsonBytesForm.Text, SignatureCheck.CapacityHint(body.Length));
        reader.ReadNested(ref json, 0);
        json.ExpectEnd();
        var shape = reader.Shape();
        SignatureCheck.Validate(spec, shape);
        var tensor = reader.ToTensor(spec.Name, shape);
        return new InferenceResponse { ModelName = model.Name, Outputs = [half ? HalfPrecision.Narrow(tensor, spec.DataType) : tensor] };
    }

    private static bool IsFile(ReadOnlySpan<byte> data, string? contentType, ModelSignature model)
    {
        var mediaType = MediaType(contentType);
        if (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            || mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)
            || mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IsJpeg(data) || IsWav(data) || (model.Inputs.Count > 0 && model.Inputs[0].DataType == DataType.Int64 && IsText(data));
    }

    private static ReadOnlySpan<char> MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return default;
        }

        var span = contentType.AsSpan();
        int semicolon = span.IndexOf(';');
        return (semicolon >= 0 ? span[..semicolon] : span).Trim();
    }

    private static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    private static bool IsWav(ReadOnlySpan<byte> data) => data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WAVE"u8);

    // Raw INT64 token ids are full of zero bytes; text is valid UTF-8 with no control characters but whitespace.
    private static bool IsText(ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return System.Text.Unicode.Utf8.IsValid(data);
    }

    // Raw tensor bytes: the model's first input, batch of one, a single variable dimension filled from the length.
    private static Tensor RawTensor(ReadOnlyMemory<byte> data, ModelSignature model)
    {
        if (model.Inputs.Count == 0)
        {
            throw new WireFormatException($"model '{model.Name}' publishes no inputs");
        }

        var spec = model.Inputs[0];
        if (spec.DataType == DataType.Bytes)
        {
            return Tensor.FromBytesElements(spec.Name, [1], [data]);
        }

        int elementSize = spec.DataType.ElementSize();
        if (data.Length % elementSize != 0)
        {
            throw new WireFormatException(
                $"raw body of {data.Length} bytes is not a whole number of {spec.DataType.ToKServeName()} elements for input '{spec.Name}'");
        }

        long count = data.Length / elementSize;
        var shape = spec.Shape.Length == 0 ? [] : (long[])spec.Shape.Clone();
        if (shape.Length == 0)
        {
            if (count != 1)
            {
                throw new WireFormatException($"input '{spec.Name}' is a scalar; the raw body holds {count} elements");
            }

            return new Tensor(spec.Name, spec.DataType, shape, data);
        }

        shape[0] = 1;
        long known = 1;
        int unknownAt = -1;
        for (int i = 1; i < shape.Length; i++)
        {
            if (shape[i] >= 0)
            {
                known *= shape[i];
            }
            else if (unknownAt >= 0)
            {
                throw new WireFormatException($"input '{spec.Name}' [{string.Join(",", spec.Shape)}] has several variable dimensions; a raw body cannot fill them");
            }
            else
            {
                unknownAt = i;
            }
        }

        if (unknownAt >= 0 && known > 0 && count % known == 0)
        {
            shape[unknownAt] = count / known;
        }
        else if (unknownAt >= 0 || known != count)
        {
            throw new WireFormatException(
                $"raw body of {count} {spec.DataType.ToKServeName()} elements does not fit input '{spec.Name}' [{string.Join(",", spec.Shape)}]");
        }

        return new Tensor(spec.Name, spec.DataType, shape, data);
    }

    /// <summary>"; it reads as TorchServe's error body: …" when the object has TorchServe's error <c>message</c>, else empty.</summary>
    private static string ErrorMessage(ReadOnlySpan<byte> body)
    {
        var json = new JsonInput(body);
        if (json.BeginObject())
        {
            do
            {
                if (json.ReadName().SequenceEqual("message"u8) && json.Peek() == '"')
                {
                    return $"; it reads as TorchServe's error body: {json.ReadString()}";
                }

                json.SkipValue();
            }
            while (json.NextMember());
        }

        return string.Empty;
    }
}
