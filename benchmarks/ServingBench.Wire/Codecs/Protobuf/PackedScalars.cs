using System.Buffers.Binary;

namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>Writes tensor elements as a packed repeated scalar field: one copy for fixed-width, a varint each otherwise.</summary>
internal static class PackedScalars
{
    /// <summary>The packed payload length (without tag and length) for the little-endian elements in <paramref name="data"/>.</summary>
    public static long PayloadSize(ReadOnlySpan<byte> data, ScalarField field)
    {
        if (field.Wire == ScalarWire.Fixed)
        {
            return data.Length;
        }

        if (field.Wire == ScalarWire.Bool)
        {
            return data.Length;
        }

        long size = 0;
        for (int offset = 0; offset < data.Length; offset += field.ElementSize)
        {
            size += ProtoWriter.VarintSize(ReadElement(data[offset..], field));
        }

        return size;
    }

    /// <summary>Size of the whole field; proto3 writes nothing for an empty repeated field.</summary>
    public static long FieldSize(long payloadSize, ScalarField field) =>
        payloadSize == 0 ? 0 : ProtoWriter.FieldSize(field.Number, payloadSize);

    public static void Write(ref ProtoWriter writer, ReadOnlySpan<byte> data, ScalarField field, long payloadSize)
    {
        if (payloadSize == 0)
        {
            return;
        }

        writer.WriteLengthPrefix(field.Number, payloadSize);
        switch (field.Wire)
        {
            case ScalarWire.Fixed:
                writer.WriteRaw(data);
                break;
            case ScalarWire.Bool:
                foreach (byte b in data)
                {
                    writer.WriteVarint(b != 0 ? 1UL : 0UL);
                }

                break;
            default:
                for (int offset = 0; offset < data.Length; offset += field.ElementSize)
                {
                    writer.WriteVarint(ReadElement(data[offset..], field));
                }

                break;
        }
    }

    /// <summary>One element, sign- or zero-extended to 64 bits as protobuf's int32/int64/uint32/uint64 varints carry it.</summary>
    private static ulong ReadElement(ReadOnlySpan<byte> data, ScalarField field) => field.ElementSize switch
    {
        1 => field.Signed ? (ulong)(long)(sbyte)data[0] : data[0],
        2 => field.Signed ? (ulong)(long)BinaryPrimitives.ReadInt16LittleEndian(data) : BinaryPrimitives.ReadUInt16LittleEndian(data),
        4 => field.Signed ? (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(data),
    };
}
