namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>Small messages several services share: map entries and one-field wrappers.</summary>
internal static class ProtoMessages
{
    /// <summary>A map&lt;string, bytes or message&gt; entry {key=1, value=2}; the value stays a view of the buffer.</summary>
    public static (string Key, ReadOnlyMemory<byte> Value) ReadMapEntry(ProtoReader entry)
    {
        string key = "";
        ReadOnlyMemory<byte> value = default;
        while (entry.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1: key = entry.ReadString(wireType, "key"); break;
                case 2: value = entry.ReadBytes(wireType, "value"); break;
                default: entry.Skip(field, wireType); break;
            }
        }

        return (key, value);
    }

    /// <summary>The string in field 1 of a message (e.g. InferRequestedOutputTensor.name); "" when absent.</summary>
    public static string ReadStringField1(ProtoReader message, string fieldName)
    {
        string value = "";
        while (TryReadToField1(ref message, out var wireType))
        {
            value = message.ReadString(wireType, fieldName);
        }

        return value;
    }

    /// <summary>The varint in field 1 of a message (google.protobuf.Int64Value, TensorShapeProto.Dim.size); 0 when absent.</summary>
    public static ulong ReadVarintField1(ProtoReader message, string fieldName)
    {
        ulong value = 0;
        while (TryReadToField1(ref message, out var wireType))
        {
            value = message.ReadVarint(wireType, fieldName);
        }

        return value;
    }

    /// <summary>Advances to the next field 1, skipping any other field; false at the end of the message.</summary>
    private static bool TryReadToField1(ref ProtoReader message, out WireType wireType)
    {
        while (message.TryReadTag(out int field, out wireType))
        {
            if (field == 1)
            {
                return true;
            }

            message.Skip(field, wireType);
        }

        return false;
    }
}
