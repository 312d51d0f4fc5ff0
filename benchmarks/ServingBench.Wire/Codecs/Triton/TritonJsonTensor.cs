using ServingBench.Wire.Codecs.Json;

namespace ServingBench.Wire.Codecs.Triton;

/// <summary>
/// One <c>{"name","datatype","shape","parameters","data"}</c> object of a KServe v2 request or response, read
/// in any member order; a tensor whose bytes follow the JSON header (binary_data_size) is bound afterwards.
/// </summary>
internal sealed class TritonJsonTensor
{
    public string? Name { get; private set; }

    public DataType DataType { get; private set; }

    public long[]? Shape { get; private set; }

    /// <summary>binary_data_size: the tensor's bytes follow the JSON header.</summary>
    public long? BinarySize { get; private set; }

    public Tensor? Tensor { get; private set; }

    public static TritonJsonTensor Read(ref JsonInput json, ReadOnlySpan<byte> header, string what, BufferPool scratch)
    {
        var result = new TritonJsonTensor();
        int dataAt = -1;
        if (json.PeekRequired() != '{')
        {
            throw json.Error($"each of {what} must be an object, found {json.Describe()}");
        }

        if (json.BeginObject())
        {
            do
            {
                var key = json.ReadName();
                if (key.SequenceEqual("name"u8))
                {
                    result.Name = ReadStringValue(ref json, "name");
                }
                else if (key.SequenceEqual("datatype"u8))
                {
                    result.DataType = DataTypeInfo.ParseKServeName(ReadStringValue(ref json, "datatype"));
                }
                else if (key.SequenceEqual("shape"u8))
                {
                    result.Shape = ReadShape(ref json);
                }
                else if (key.SequenceEqual("parameters"u8))
                {
                    result.BinarySize = ReadBinarySize(ref json);
                }
                else if (key.SequenceEqual("data"u8))
                {
                    if (dataAt >= 0)
                    {
                        throw json.Error("'data' appears twice");
                    }

                    dataAt = json.Position;
                    RefuseHalfData(result, what);
                    if (result.DataType != 0 && result.Shape is not null && result.Name is not null)
                    {
                        result.Tensor = ReadData(ref json, result, scratch);
                    }
                    else
                    {
                        json.SkipValue();
                    }
                }
                else
                {
                    json.SkipValue(1);
                }
            }
            while (json.NextMember());
        }

        string name = result.Name ?? throw new WireFormatException($"a tensor in {what} has no 'name'");
        if (result.DataType == 0)
        {
            throw new WireFormatException($"tensor '{name}' has no 'datatype'");
        }

        if (result.Shape is null)
        {
            throw new WireFormatException($"tensor '{name}' has no 'shape'");
        }

        if (result.BinarySize is not null && dataAt >= 0)
        {
            throw new WireFormatException($"tensor '{name}' has both 'data' and binary_data_size");
        }

        if (result.Tensor is null && dataAt >= 0)
        {
            RefuseHalfData(result, what);
            var late = new JsonInput(header) { Position = dataAt };
            result.Tensor = ReadData(ref late, result, scratch);
        }

        if (result.Tensor is null && result.BinarySize is null)
        {
            throw new WireFormatException($"tensor '{name}' has neither 'data' nor binary_data_size");
        }

        return result;
    }

    /// <summary>Points each binary tensor at its slice of <paramref name="body"/> (no copy); all bytes must be used.</summary>
    public static void BindBinary(IReadOnlyList<TritonJsonTensor> tensors, ReadOnlyMemory<byte> body, int headerLength)
    {
        long offset = headerLength;
        foreach (var pending in tensors)
        {
            if (pending.BinarySize is not long size)
            {
                continue;
            }

            long remaining = body.Length - offset;
            if (size > remaining)
            {
                throw new WireFormatException(
                    $"tensor '{pending.Name}': binary_data_size {size} exceeds the {remaining} bytes left after the JSON header");
            }

            pending.Tensor = new Tensor(pending.Name!, pending.DataType, pending.Shape, body.Slice((int)offset, (int)size));
            offset += size;
        }

        if (offset != body.Length)
        {
            throw new WireFormatException($"{body.Length - offset} bytes after the JSON header belong to no tensor");
        }
    }

    /// <summary>
    /// Triton reads and writes no FP16 or BF16 data in JSON (ReadDataFromJson / WriteDataToJson in http_server.cc):
    /// the same refusal, in its words.
    /// </summary>
    public static WireFormatException HalfInJson(DataType type, string? inputName) => new(inputName is null
        ? $"sending {type.ToKServeName()} data via JSON is not supported. Please use the binary data format for output"
        : $"receiving {type.ToKServeName()} data via JSON is not supported. Please use the binary data format for input {inputName}");

    private static void RefuseHalfData(TritonJsonTensor pending, string what)
    {
        if (pending.DataType is DataType.FP16 or DataType.BF16)
        {
            throw HalfInJson(pending.DataType, what == "outputs" ? null : pending.Name);
        }
    }

    public static string ReadStringValue(ref JsonInput json, string key)
    {
        if (json.PeekRequired() != '"')
        {
            throw json.Error($"'{key}' must be a string, found {json.Describe()}");
        }

        return json.ReadString();
    }

    private static long[] ReadShape(ref JsonInput json)
    {
        if (json.PeekRequired() != '[')
        {
            throw json.Error($"'shape' must be a list of integers, found {json.Describe()}");
        }

        var dims = new List<long>(4);
        if (json.BeginArray())
        {
            do
            {
                if (dims.Count >= JsonInput.MaxDepth)
                {
                    throw json.Error($"'shape' has more than {JsonInput.MaxDepth} dimensions");
                }

                long dim = json.ReadInt64();
                if (dim < 0)
                {
                    throw json.Error($"'shape' has negative dimension {dim}");
                }

                dims.Add(dim);
            }
            while (json.NextElement());
        }

        return [.. dims];
    }

    private static long? ReadBinarySize(ref JsonInput json)
    {
        long? size = null;
        if (json.PeekRequired() != '{')
        {
            throw json.Error($"'parameters' must be an object, found {json.Describe()}");
        }

        if (json.BeginObject())
        {
            do
            {
                if (json.ReadName().SequenceEqual("binary_data_size"u8))
                {
                    size = json.ReadInt64(0);
                }
                else
                {
                    json.SkipValue(2);
                }
            }
            while (json.NextMember());
        }

        return size;
    }

    private static Tensor ReadData(ref JsonInput json, TritonJsonTensor pending, BufferPool scratch)
    {
        long count = Tensor.CountElements(pending.Name!, pending.Shape);
        int size = pending.DataType == DataType.Bytes ? 8 : pending.DataType.ElementSize();
        int hint = (int)Math.Clamp(count * size, 256, 64 << 20);
        using var reader = new JsonTensorReader(scratch, pending.DataType, allowNonFinite: false, JsonBytesForm.Text, hint);
        reader.ReadFlat(ref json, count);
        if (reader.Count != count)
        {
            throw new WireFormatException(
                $"tensor '{pending.Name}': shape [{string.Join(",", pending.Shape!)}] needs {count} elements, 'data' has {reader.Count}");
        }

        return reader.ToTensor(pending.Name!, pending.Shape);
    }
}
