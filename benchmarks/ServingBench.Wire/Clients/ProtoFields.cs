using Google.Protobuf;

namespace ServingBench.Wire.Clients;

/// <summary>
/// Writes the few small control-plane messages (health, status, metadata) field by field with Google.Protobuf's
/// coded streams; tensor messages never come here, they belong to the codecs.
/// </summary>
internal sealed class ProtoFields
{
    private readonly MemoryStream _stream = new();
    private readonly CodedOutputStream _output;

    public ProtoFields()
    {
        _output = new CodedOutputStream(_stream, leaveOpen: true);
    }

    public ProtoFields String(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _output.WriteString(value);
        }

        return this;
    }

    public ProtoFields Bool(int field, bool value)
    {
        if (value)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteBool(true);
        }

        return this;
    }

    public ProtoFields Int64(int field, long value)
    {
        if (value != 0)
        {
            _output.WriteTag(field, WireFormat.WireType.Varint);
            _output.WriteInt64(value);
        }

        return this;
    }

    public ProtoFields Message(int field, byte[] message)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(message));
        return this;
    }

    public ProtoFields Message(int field, ProtoFields message) => Message(field, message.ToArray());

    public ProtoFields PackedInt64(int field, ReadOnlySpan<long> values)
    {
        if (values.Length == 0)
        {
            return this;
        }

        int size = 0;
        foreach (long value in values)
        {
            size += CodedOutputStream.ComputeInt64Size(value);
        }

        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteLength(size);
        foreach (long value in values)
        {
            _output.WriteInt64(value);
        }

        return this;
    }

    /// <summary>A map entry {key=1, value=2} with a message value.</summary>
    public ProtoFields MapEntry(int field, string key, ProtoFields value) =>
        Message(field, new ProtoFields().String(1, key).Message(2, value));

    public byte[] ToArray()
    {
        _output.Flush();
        return _stream.ToArray();
    }
}

/// <summary>Reads a control-plane message field by field; unknown fields are skipped, as protobuf requires.</summary>
internal sealed class ProtoReader
{
    private readonly CodedInputStream _input;
    private uint _lastTag;

    public ProtoReader(ReadOnlySpan<byte> message)
    {
        _input = new CodedInputStream(message.ToArray());
    }

    /// <summary>Reads in place where the memory is an array (the hot path peeks model names in large requests).</summary>
    public ProtoReader(ReadOnlyMemory<byte> message)
    {
        _input = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(message.ToArray());
    }

    public int Field { get; private set; }

    public bool Next()
    {
        uint tag = Guard(_input.ReadTag);
        _lastTag = tag;
        Field = tag == 0 ? 0 : WireFormat.GetTagFieldNumber(tag);
        return tag != 0;
    }

    public string String() => Guard(_input.ReadString);

    public bool Bool() => Guard(_input.ReadBool);

    public long Int64() => Guard(_input.ReadInt64);

    public byte[] Bytes() => Guard(() => _input.ReadBytes().ToByteArray());

    /// <summary>A repeated int64, packed or not (a parser must accept both).</summary>
    public void Int64s(List<long> into) => Guard(() =>
    {
        if (WireFormat.GetTagWireType(_lastTag) == WireFormat.WireType.LengthDelimited)
        {
            var packed = new CodedInputStream(_input.ReadBytes().ToByteArray());
            while (!packed.IsAtEnd)
            {
                into.Add(packed.ReadInt64());
            }
        }
        else
        {
            into.Add(_input.ReadInt64());
        }

        return 0;
    });

    public void Skip() => Guard(() =>
    {
        _input.SkipLastField();
        return 0;
    });

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WireFormatException($"malformed protobuf message: {ex.Message}", ex);
        }
    }
}
