using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>
/// Writes a protobuf message into a span sized beforehand with the static size helpers: the codecs compute a
/// message's exact size, ask the body for one span and write once, so tensor bytes are copied exactly once.
/// </summary>
internal ref struct ProtoWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public ProtoWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    public static int VarintSize(ulong value) => (70 - BitOperations.LeadingZeroCount(value | 1)) / 7;

    public static int TagSize(int field) => VarintSize((uint)field << 3);

    /// <summary>Size of a whole length-delimited field (tag, length, payload).</summary>
    public static long FieldSize(int field, long payloadLength) => TagSize(field) + VarintSize((ulong)payloadLength) + payloadLength;

    public static int Utf8Size(string text) => Encoding.UTF8.GetByteCount(text);

    public void WriteTag(int field, WireType wireType) => WriteVarint(((uint)field << 3) | (uint)wireType);

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _span[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _span[_position++] = (byte)value;
    }

    public void WriteFixed32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_span[_position..], value);
        _position += 4;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        BulkCopy.Copy(bytes, _span[_position..]);
        _position += bytes.Length;
    }

    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(value);
    }

    /// <summary>Tag and length of a length-delimited field whose payload the caller writes next.</summary>
    public void WriteLengthPrefix(int field, long payloadLength)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)payloadLength);
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> bytes)
    {
        WriteLengthPrefix(field, bytes.Length);
        WriteRaw(bytes);
    }

    public void WriteStringField(int field, string text, int utf8Length)
    {
        WriteLengthPrefix(field, utf8Length);
        _position += Encoding.UTF8.GetBytes(text, _span.Slice(_position, utf8Length));
    }
}
