using System.Buffers.Binary;

namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>
/// Collects the values of one repeated scalar field into tensor element bytes. A single packed fixed-width chunk
/// (the usual case: float_val, fp32_contents) is kept as a view of the message; varints, unpacked values and
/// repeated chunks are decoded into one owned array. Accepts packed and unpacked forms, as parsers must.
/// </summary>
internal struct ScalarAccumulator
{
    private ReadOnlyMemory<byte> _view;
    private byte[]? _owned;
    private int _length;

    /// <summary>Whether the field appeared at all (even as an empty packed chunk).</summary>
    public bool Present { get; private set; }

    public readonly ReadOnlyMemory<byte> Bytes => _owned is null ? _view : _owned.AsMemory(0, _length);

    public readonly int Count(ScalarField field) => Bytes.Length / field.ElementSize;

    public void Add(ref ProtoReader reader, WireType wireType, ScalarField field)
    {
        Present = true;
        if (wireType == WireType.LengthDelimited)
        {
            AddPacked(ref reader, reader.ReadLengthDelimited(), field);
            return;
        }

        switch (field.Wire)
        {
            case ScalarWire.Fixed when field.ElementSize == 4:
                reader.Expect(wireType, WireType.Fixed32, field.Name);
                Span<byte> four = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(four, reader.ReadFixed32());
                Append(four);
                break;
            case ScalarWire.Fixed:
                reader.Expect(wireType, WireType.Fixed64, field.Name);
                Span<byte> eight = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(eight, reader.ReadFixed64());
                Append(eight);
                break;
            default:
                reader.Expect(wireType, WireType.Varint, field.Name);
                Reserve(field.ElementSize, reader.Message);
                Store(reader.ReadVarint(), field, reader);
                break;
        }
    }

    private void AddPacked(ref ProtoReader reader, ReadOnlyMemory<byte> chunk, ScalarField field)
    {
        if (field.Wire == ScalarWire.Fixed)
        {
            if (chunk.Length % field.ElementSize != 0)
            {
                throw reader.Error($"packed field '{field.Name}' is {chunk.Length} bytes, not a multiple of {field.ElementSize}");
            }

            if (_owned is null && _view.IsEmpty)
            {
                _view = chunk;
            }
            else
            {
                Append(chunk.Span);
            }

            return;
        }

        // Every varint ends in a byte below 0x80, so counting those sizes the array exactly.
        var span = chunk.Span;
        if (!span.IsEmpty && span[^1] >= 0x80)
        {
            throw reader.Error($"packed field '{field.Name}' ends in a truncated varint");
        }

        int count = CountVarints(span);
        Reserve((long)count * field.ElementSize, reader.Message);
        var values = new ProtoReader(chunk, reader.Message);
        for (int i = 0; i < count; i++)
        {
            Store(values.ReadVarint(), field, reader);
        }
    }

    private static int CountVarints(ReadOnlySpan<byte> span)
    {
        int count = 0;
        foreach (byte b in span)
        {
            if (b < 0x80)
            {
                count++;
            }
        }

        return count;
    }

    private void Store(ulong value, ScalarField field, in ProtoReader reader)
    {
        int size = field.ElementSize;
        if (field.Wire == ScalarWire.Bool)
        {
            value = value != 0 ? 1UL : 0UL;
        }
        else if (size < 8)
        {
            int bits = size * 8;
            bool fits = field.Signed
                ? (long)value >= -(1L << (bits - 1)) && (long)value < (1L << (bits - 1))
                : value < (1UL << bits);
            if (!fits)
            {
                throw reader.Error($"value {(field.Signed ? (long)value : value)} in '{field.Name}' does not fit a {bits}-bit element");
            }
        }

        var target = _owned.AsSpan(_length, size);
        switch (size)
        {
            case 1:
                target[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(target, value);
                break;
        }

        _length += size;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length, "repeated field");
        bytes.CopyTo(_owned.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Makes room for <paramref name="extra"/> more bytes, moving a kept view into the owned array first.</summary>
    private void Reserve(long extra, string message)
    {
        if (_owned is null)
        {
            long first = Math.Max(_view.Length + extra, 16);
            if (first > Array.MaxLength)
            {
                throw TooLarge(message);
            }

            _owned = new byte[first];
            _view.Span.CopyTo(_owned);
            _length = _view.Length;
            _view = default;
            return;
        }

        long needed = _length + extra;
        if (needed <= _owned.Length)
        {
            return;
        }

        long grown = Math.Max(needed, Math.Min((long)_owned.Length * 2, Array.MaxLength));
        if (grown > Array.MaxLength)
        {
            throw TooLarge(message);
        }

        Array.Resize(ref _owned, (int)grown);
    }

    private static WireFormatException TooLarge(string message) =>
        new($"{message}: repeated field exceeds the largest supported tensor");
}
