using System.Buffers.Binary;
using System.Text;

namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>
/// A forward-only protobuf reader over a message in memory. Length-delimited fields come back as slices of the
/// buffer (no copy), so tensor bytes can be viewed where they arrived. Every malformation (truncation, a length
/// past the end, an over-long varint, a bad wire type) is a <see cref="WireFormatException"/> naming the message.
/// </summary>
internal struct ProtoReader
{
    // Nested groups are legal but unused by these APIs; the limit keeps a hostile message from recursing deeply.
    private const int MaxGroupDepth = 64;

    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly string _message;
    private int _position;

    public ProtoReader(ReadOnlyMemory<byte> buffer, string message)
    {
        _buffer = buffer;
        _message = message;
        _position = 0;
    }

    public readonly string Message => _message;

    /// <summary>Reads the next tag; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _buffer.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        int at = _position;
        ulong tag = ReadVarint();
        int type = (int)(tag & 7);
        ulong number = tag >> 3;
        if (number == 0 || number > 536_870_911)
        {
            throw Error($"invalid field number {number} at byte {at}");
        }

        if (type > 5)
        {
            throw Error($"invalid wire type {type} for field {number} at byte {at}");
        }

        field = (int)number;
        wireType = (WireType)type;
        return true;
    }

    public ulong ReadVarint()
    {
        var span = _buffer.Span;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= span.Length)
            {
                throw Error($"truncated varint at byte {_position}");
            }

            byte b = span[_position++];
            if (shift == 63 && b > 1)
            {
                throw Error($"varint overflows 64 bits at byte {_position - 1}");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Error($"varint longer than 10 bytes at byte {_position}");
    }

    public uint ReadFixed32()
    {
        var bytes = Take(4, "fixed32");
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes.Span);
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8, "fixed64");
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes.Span);
    }

    /// <summary>The payload of a length-delimited field, as a view of the buffer.</summary>
    public ReadOnlyMemory<byte> ReadLengthDelimited()
    {
        int at = _position;
        ulong length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw Error($"length {length} at byte {at} runs past the end ({_buffer.Length - _position} bytes remain)");
        }

        var slice = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited().Span);

    public ProtoReader ReadMessage(string message) => new(ReadLengthDelimited(), message);

    /// <summary>A string field, after checking it arrived length-delimited.</summary>
    public string ReadString(WireType wireType, string fieldName)
    {
        Expect(wireType, WireType.LengthDelimited, fieldName);
        return ReadString();
    }

    /// <summary>A bytes field as a view of the buffer, after checking it arrived length-delimited.</summary>
    public ReadOnlyMemory<byte> ReadBytes(WireType wireType, string fieldName)
    {
        Expect(wireType, WireType.LengthDelimited, fieldName);
        return ReadLengthDelimited();
    }

    /// <summary>A varint field (int32/int64/uint64/enum), after checking its wire type.</summary>
    public ulong ReadVarint(WireType wireType, string fieldName)
    {
        Expect(wireType, WireType.Varint, fieldName);
        return ReadVarint();
    }

    /// <summary>A sub-message field of type <paramref name="message"/>, after checking it arrived length-delimited.</summary>
    public ProtoReader ReadMessage(WireType wireType, string fieldName, string message)
    {
        Expect(wireType, WireType.LengthDelimited, fieldName);
        return ReadMessage(message);
    }

    /// <summary>Throws unless a known field arrived with the wire type its declaration implies.</summary>
    public readonly void Expect(WireType actual, WireType expected, string fieldName)
    {
        if (actual != expected)
        {
            throw Error($"field '{fieldName}' has wire type {actual}, expected {expected}");
        }
    }

    /// <summary>Skips an unknown field, as protobuf requires of parsers.</summary>
    public void Skip(int field, WireType wireType) => Skip(field, wireType, 0);

    public readonly WireFormatException Error(string problem) => new($"{_message}: {problem}");

    private void Skip(int field, WireType wireType, int depth)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8, "fixed64");
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Take(4, "fixed32");
                break;
            case WireType.StartGroup:
                if (depth >= MaxGroupDepth)
                {
                    throw Error($"groups nested deeper than {MaxGroupDepth}");
                }

                while (true)
                {
                    if (!TryReadTag(out int inner, out var innerType))
                    {
                        throw Error($"group {field} is not closed");
                    }

                    if (innerType == WireType.EndGroup)
                    {
                        if (inner != field)
                        {
                            throw Error($"group {field} closed by end-group {inner}");
                        }

                        return;
                    }

                    Skip(inner, innerType, depth + 1);
                }

            default:
                throw Error($"unexpected end-group {field}");
        }
    }

    private ReadOnlyMemory<byte> Take(int count, string what)
    {
        if (_buffer.Length - _position < count)
        {
            throw Error($"truncated {what} at byte {_position}");
        }

        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
