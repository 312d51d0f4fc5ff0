using System.Buffers.Binary;

namespace ServingBench.Wire.Codecs.Json;

/// <summary>How BYTES elements are spelled in a JSON dialect.</summary>
internal enum JsonBytesForm
{
    /// <summary>A JSON string holding the bytes as text (Triton; TF for names without the _bytes suffix).</summary>
    Text,

    /// <summary>TF Serving's <c>{"b64": "..."}</c> object (plain strings are accepted too when reading).</summary>
    Base64Object,

    /// <summary>A JSON string holding base64 (what TorchServe's vision handler base64-decodes).</summary>
    Base64String,
}

/// <summary>
/// Collects the elements of one tensor written as JSON arrays, typed by the model's signature. Nested mode takes the
/// shape from the nesting and rejects ragged lists and leaves at the wrong depth; flat mode (Triton) accepts any
/// nesting and only counts elements against a declared shape.
/// </summary>
internal sealed class JsonTensorReader : IDisposable
{
    // Room asked of the buffer before each fast run: a row of a 224-wide image and more.
    private const int RunBytes = 4096;

    private readonly DataType _type;
    private readonly bool _allowNonFinite;
    private readonly JsonBytesForm _bytesForm;
    private readonly bool _rejectLossyIntegers;
    private readonly long[] _dims = new long[JsonInput.MaxDepth + 1];
    private readonly PooledBufferWriter _buffer;
    private int _rank = -1;
    private long _count;

    /// <param name="rejectLossyIntegers">TF Serving's rule: integer literals must fit a float tensor's mantissa.</param>
    public JsonTensorReader(BufferPool scratch, DataType type, bool allowNonFinite, JsonBytesForm bytesForm, int capacityHint = 4096, bool rejectLossyIntegers = false)
    {
        if (type is DataType.FP16 or DataType.BF16)
        {
            throw new WireFormatException($"{type.ToKServeName()} tensors cannot be carried in JSON; use a binary encoding");
        }

        _ = type.ElementSize();
        _type = type;
        _allowNonFinite = allowNonFinite;
        _bytesForm = bytesForm;
        _rejectLossyIntegers = rejectLossyIntegers;
        _buffer = new PooledBufferWriter(scratch, capacityHint);
        Array.Fill(_dims, -1);
    }

    public long Count => _count;

    /// <summary>Reads one value whose outermost list sits at <paramref name="level"/>; levels below are set by the caller.</summary>
    public void ReadNested(ref JsonInput json, int level)
    {
        if (json.PeekRequired() != '[')
        {
            if (_rank < 0)
            {
                _rank = level;
            }
            else if (level != _rank)
            {
                throw json.Error($"value found at nesting level {level}, expected level {_rank} (ragged tensor)");
            }

            ReadElement(ref json);
            return;
        }

        if (level >= JsonInput.MaxDepth)
        {
            throw json.Error($"JSON nested deeper than {JsonInput.MaxDepth} levels");
        }

        if (_rank >= 0 && level >= _rank)
        {
            throw json.Error($"list found at nesting level {level}, expected a value (the tensor's rank is {_rank})");
        }

        long n = _type == DataType.FP32 && _rank == level + 1 ? ReadSingleRow(ref json) : ReadList(ref json, level);

        if (_dims[level] < 0)
        {
            _dims[level] = n;
            if (n == 0 && _rank < 0)
            {
                _rank = level + 1;
            }
        }
        else if (_dims[level] != n)
        {
            throw json.Error($"list of {n} elements at nesting level {level}, expected {_dims[level]} (ragged tensor)");
        }
    }

    private long ReadList(ref JsonInput json, int level)
    {
        long n = 0;
        if (json.BeginArray())
        {
            do
            {
                ReadNested(ref json, level + 1);
                n++;
            }
            while (json.NextElement());
        }

        return n;
    }

    // The innermost list of a float32 tensor once the rank is known: the hot loop of every JSON decode.
    private long ReadSingleRow(ref JsonInput json)
    {
        long n = 0;
        if (json.BeginArray())
        {
            while (true)
            {
                n += ReadSinglesFast(ref json, int.MaxValue, out bool ended);
                if (ended)
                {
                    break;
                }

                MemoryMarshal.Write(_buffer.Append(4), json.ReadSingle(_allowNonFinite, _rejectLossyIntegers));
                n++;
                if (!json.NextElement())
                {
                    break;
                }
            }
        }

        _count += n;
        return n;
    }

    // Elements the fast path takes, straight into the buffer (at most limit of them); the caller counts them.
    private int ReadSinglesFast(ref JsonInput json, long limit, out bool ended)
    {
        var room = MemoryMarshal.Cast<byte, float>(_buffer.GetSpan(RunBytes));
        int read = json.ReadSinglesFast(room[..(int)Math.Min(room.Length, limit)], _rejectLossyIntegers, out ended);
        _buffer.Advance(read * 4);
        return read;
    }

    /// <summary>Reads elements in row-major order through any nesting (Triton's reader), at most <paramref name="limit"/>.</summary>
    public void ReadFlat(ref JsonInput json, long limit, int depth = 0)
    {
        if (json.PeekRequired() != '[')
        {
            if (_count >= limit)
            {
                throw json.Error($"more data elements than the shape's {limit}");
            }

            ReadElement(ref json);
            return;
        }

        if (depth >= JsonInput.MaxDepth)
        {
            throw json.Error($"JSON nested deeper than {JsonInput.MaxDepth} levels");
        }

        if (json.BeginArray())
        {
            while (true)
            {
                if (_type == DataType.FP32)
                {
                    _count += ReadSinglesFast(ref json, limit - _count, out bool ended);
                    if (ended)
                    {
                        break;
                    }
                }

                if (_type == DataType.FP32 && json.PeekRequired() != '[')
                {
                    if (_count >= limit)
                    {
                        throw json.Error($"more data elements than the shape's {limit}");
                    }

                    MemoryMarshal.Write(_buffer.Append(4), json.ReadSingle(_allowNonFinite, _rejectLossyIntegers));
                    _count++;
                }
                else
                {
                    ReadFlat(ref json, limit, depth + 1);
                }

                if (!json.NextElement())
                {
                    break;
                }
            }
        }
    }

    /// <summary>The shape found by <see cref="ReadNested"/>; <paramref name="outer"/> fills levels the caller counted itself.</summary>
    public long[] Shape(ReadOnlySpan<long> outer = default)
    {
        int rank = Math.Max(_rank, outer.Length);
        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = i < outer.Length ? outer[i] : _dims[i];
        }

        return shape;
    }

    /// <summary>Rank seen so far (-1 before any value).</summary>
    public int Rank => _rank;

    public Tensor ToTensor(string name, ReadOnlySpan<long> shape) => new(name, _type, shape, _buffer.ToArray());

    public void Dispose() => _buffer.Dispose();

    private void ReadElement(ref JsonInput json)
    {
        switch (_type)
        {
            case DataType.FP32:
                MemoryMarshal.Write(_buffer.Append(4), json.ReadSingle(_allowNonFinite, _rejectLossyIntegers));
                break;
            case DataType.FP64:
                MemoryMarshal.Write(_buffer.Append(8), json.ReadDouble(_allowNonFinite, _rejectLossyIntegers));
                break;
            case DataType.Int64:
                MemoryMarshal.Write(_buffer.Append(8), json.ReadInt64());
                break;
            case DataType.Int32:
                MemoryMarshal.Write(_buffer.Append(4), (int)json.ReadInt64(int.MinValue, int.MaxValue));
                break;
            case DataType.Int16:
                MemoryMarshal.Write(_buffer.Append(2), (short)json.ReadInt64(short.MinValue, short.MaxValue));
                break;
            case DataType.Int8:
                _buffer.Append(1)[0] = (byte)(sbyte)json.ReadInt64(sbyte.MinValue, sbyte.MaxValue);
                break;
            case DataType.UInt64:
                MemoryMarshal.Write(_buffer.Append(8), json.ReadUInt64());
                break;
            case DataType.UInt32:
                MemoryMarshal.Write(_buffer.Append(4), (uint)json.ReadUInt64(uint.MaxValue));
                break;
            case DataType.UInt16:
                MemoryMarshal.Write(_buffer.Append(2), (ushort)json.ReadUInt64(ushort.MaxValue));
                break;
            case DataType.UInt8:
                _buffer.Append(1)[0] = (byte)json.ReadUInt64(byte.MaxValue);
                break;
            case DataType.Bool:
                _buffer.Append(1)[0] = json.ReadBool() ? (byte)1 : (byte)0;
                break;
            case DataType.Bytes:
                ReadBytesElement(ref json);
                break;
            default:
                throw new WireFormatException($"{_type.ToKServeName()} tensors cannot be carried in JSON");
        }

        _count++;
    }

    private void ReadBytesElement(ref JsonInput json)
    {
        int lengthAt = _buffer.WrittenCount;
        _buffer.Append(4);
        byte c = json.PeekRequired();
        if (c == '{' && _bytesForm == JsonBytesForm.Base64Object)
        {
            if (!json.BeginObject() || !json.ReadName().SequenceEqual("b64"u8))
            {
                throw json.Error("a BYTES object must be {\"b64\": \"<base64>\"}");
            }

            AppendBase64(ref json);
            if (json.NextMember())
            {
                throw json.Error("a BYTES object must hold only the \"b64\" key");
            }
        }
        else if (c == '"' && _bytesForm == JsonBytesForm.Base64String)
        {
            AppendBase64(ref json);
        }
        else if (c == '"')
        {
            json.ReadStringBytes(_buffer);
        }
        else
        {
            throw json.Error($"expected a string for a BYTES element, found {json.Describe()}");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Rewrite(lengthAt, 4), (uint)(_buffer.WrittenCount - lengthAt - 4));
    }

    private void AppendBase64(ref JsonInput json)
    {
        using var text = new PooledBufferWriter(_buffer.Pool, 256);
        json.ReadStringBytes(text);
        var utf8 = text.WrittenSpan;
        var destination = _buffer.GetSpan(System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(utf8.Length));
        if (System.Buffers.Text.Base64.DecodeFromUtf8(utf8, destination, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            throw json.Error("BYTES element is not valid base64");
        }

        _buffer.Advance(written);
    }
}
