using System.Buffers.Binary;
using ServingBench.Wire.Codecs.Protobuf;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>
/// tensorflow.TensorProto written and read directly: dtype=1, tensor_shape=2 (dim=2 {size=1}), version_number=3,
/// tensor_content=4, the typed repeated fields 5–17. Raw tensors travel as tensor_content; typed ones in the field
/// of their dtype; DT_STRING always in string_val.
/// </summary>
internal static class TfTensorProto
{
    // A few values may stand for a huge shape (TF fills with the last value); this bounds what a tiny message can make us allocate.
    private const long MaxBroadcastBytes = 256L << 20;

    /// <summary>Sizes computed once per tensor before writing.</summary>
    internal struct Plan
    {
        public long ShapeSize;
        public long PayloadSize;
        public long Size;

        /// <summary>UTF-8 length of the map key and size of the whole map entry, filled by the message writers.</summary>
        public int NameLength;
        public long EntrySize;
    }

    public static Plan Measure(Tensor tensor, bool raw)
    {
        var plan = default(Plan);
        foreach (long dim in tensor.Shape)
        {
            plan.ShapeSize += ProtoWriter.FieldSize(2, DimSize(dim));
        }

        long size = 1 + ProtoWriter.VarintSize((ulong)TfDataTypes.ToTf(tensor.DataType)) + ProtoWriter.FieldSize(2, plan.ShapeSize);
        var data = tensor.Data.Span;
        if (tensor.DataType == DataType.Bytes)
        {
            for (int offset = 0; offset < data.Length;)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
                size += ProtoWriter.FieldSize(8, length);
                offset += 4 + length;
            }
        }
        else if (raw)
        {
            size += data.IsEmpty ? 0 : ProtoWriter.FieldSize(4, data.Length);
        }
        else
        {
            var field = TfDataTypes.EncodeField(tensor.DataType)!;
            plan.PayloadSize = PackedScalars.PayloadSize(data, field);
            size += PackedScalars.FieldSize(plan.PayloadSize, field);
        }

        plan.Size = size;
        return plan;
    }

    public static void Write(ref ProtoWriter writer, Tensor tensor, in Plan plan, bool raw)
    {
        writer.WriteVarintField(1, (ulong)TfDataTypes.ToTf(tensor.DataType));
        writer.WriteLengthPrefix(2, plan.ShapeSize);
        foreach (long dim in tensor.Shape)
        {
            writer.WriteLengthPrefix(2, DimSize(dim));
            if (dim != 0)
            {
                writer.WriteVarintField(1, (ulong)dim);
            }
        }

        var data = tensor.Data.Span;
        if (tensor.DataType == DataType.Bytes)
        {
            for (int offset = 0; offset < data.Length;)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
                writer.WriteBytesField(8, data.Slice(offset + 4, length));
                offset += 4 + length;
            }
        }
        else if (raw)
        {
            if (!data.IsEmpty)
            {
                writer.WriteBytesField(4, data);
            }
        }
        else
        {
            PackedScalars.Write(ref writer, data, TfDataTypes.EncodeField(tensor.DataType)!, plan.PayloadSize);
        }
    }

    /// <summary>Reads one TensorProto named <paramref name="name"/>; accepts tensor_content or the typed field, never both.</summary>
    public static Tensor Read(ProtoReader reader, string name)
    {
        ulong dtype = 0;
        var shape = new List<long>(4);
        ReadOnlyMemory<byte> content = default;
        List<ReadOnlyMemory<byte>>? strings = null;
        ScalarAccumulator typed = default;
        ScalarField? typedField = null;

        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    dtype = reader.ReadVarint(wireType, "dtype");
                    break;
                case 2:
                    ReadShape(reader.ReadMessage(wireType, "tensor_shape", "TensorShapeProto"), shape, name);
                    break;
                case 3:
                    reader.ReadVarint(wireType, "version_number");
                    break;
                case 4:
                    content = reader.ReadBytes(wireType, "tensor_content");
                    break;
                case 8:
                    (strings ??= []).Add(reader.ReadBytes(wireType, "string_val"));
                    break;
                default:
                    var scalar = TfDataTypes.DecodeField(field);
                    if (scalar is null)
                    {
                        reader.Skip(field, wireType);
                        break;
                    }

                    if (typedField is not null && typedField != scalar)
                    {
                        throw reader.Error($"tensor '{name}' sets both {typedField.Name} and {scalar.Name}");
                    }

                    typedField = scalar;
                    typed.Add(ref reader, wireType, scalar);
                    break;
            }
        }

        var type = TfDataTypes.FromTf(dtype, name);
        long count = Tensor.CountElements(name, CollectionsMarshal.AsSpan(shape));
        if (type == DataType.Bytes)
        {
            if (!content.IsEmpty || typedField is not null)
            {
                throw new WireFormatException($"tensor '{name}': DT_STRING values must travel in string_val");
            }

            return new Tensor(name, type, CollectionsMarshal.AsSpan(shape), JoinStrings(strings, count, name));
        }

        if (strings is not null)
        {
            throw new WireFormatException($"tensor '{name}': string_val set on a {type.ToKServeName()} tensor");
        }

        if (!content.IsEmpty)
        {
            if (typedField is not null)
            {
                throw new WireFormatException($"tensor '{name}' sets both tensor_content and {typedField.Name}");
            }

            return new Tensor(name, type, CollectionsMarshal.AsSpan(shape), content);
        }

        var expected = TfDataTypes.EncodeField(type);
        if (typedField is not null && (expected is null || expected.Number != typedField.Number))
        {
            throw new WireFormatException($"tensor '{name}': dtype {type.ToKServeName()} cannot carry {typedField.Name}");
        }

        var values = Narrow(typed.Bytes, typedField, type, name);
        return new Tensor(name, type, CollectionsMarshal.AsSpan(shape), Broadcast(values, type.ElementSize(), count, name));
    }

    private static long DimSize(long dim) => dim == 0 ? 0 : 1 + ProtoWriter.VarintSize((ulong)dim);

    private static void ReadShape(ProtoReader reader, List<long> shape, string name)
    {
        while (reader.TryReadTag(out int field, out var wireType))
        {
            if (field == 2)
            {
                var dim = reader.ReadMessage(wireType, "dim", "TensorShapeProto.Dim");
                shape.Add((long)ProtoMessages.ReadVarintField1(dim, "size"));
            }
            else if (field == 3)
            {
                if (reader.ReadVarint(wireType, "unknown_rank") != 0)
                {
                    throw new WireFormatException($"tensor '{name}': shape of unknown rank");
                }
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    /// <summary>int_val and half_val arrive as 32-bit values; narrower dtypes take their low bytes if the value fits.</summary>
    private static ReadOnlyMemory<byte> Narrow(ReadOnlyMemory<byte> values, ScalarField? field, DataType type, string name)
    {
        int size = type.ElementSize();
        if (field is null || field.ElementSize == size)
        {
            return values;
        }

        var target = TfDataTypes.EncodeField(type)!;
        var source = values.Span;
        var narrowed = new byte[source.Length / 4 * size];
        for (int i = 0; i < source.Length / 4; i++)
        {
            int value = BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]);
            bool fits = target.Signed
                ? value >= -(1 << (size * 8 - 1)) && value < (1 << (size * 8 - 1))
                : value >= 0 && value < (1 << (size * 8));
            if (!fits)
            {
                throw new WireFormatException($"tensor '{name}': {field.Name} value {value} does not fit {type.ToKServeName()}");
            }

            if (size == 1)
            {
                narrowed[i] = (byte)value;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(narrowed.AsSpan(i * 2), (ushort)value);
            }
        }

        return narrowed;
    }

    /// <summary>TF's rule: fewer values than elements are completed with the last value (zeros when there are none).</summary>
    private static ReadOnlyMemory<byte> Broadcast(ReadOnlyMemory<byte> values, int size, long count, string name)
    {
        long have = values.Length / size;
        if (have == count)
        {
            return values;
        }

        if (have > count)
        {
            throw new WireFormatException($"tensor '{name}': shape holds {count} elements but {have} values were sent");
        }

        if (count * size > MaxBroadcastBytes)
        {
            throw new WireFormatException($"tensor '{name}': {have} values would be broadcast to {count} elements, more than this decoder expands");
        }

        var filled = new byte[count * size];
        values.Span.CopyTo(filled);
        if (have > 0)
        {
            var last = values.Span[^size..];
            for (long i = have; i < count; i++)
            {
                last.CopyTo(filled.AsSpan((int)(i * size)));
            }
        }

        return filled;
    }

    private static byte[] JoinStrings(List<ReadOnlyMemory<byte>>? strings, long count, string name)
    {
        int have = strings?.Count ?? 0;
        if (have > count)
        {
            throw new WireFormatException($"tensor '{name}': shape holds {count} elements but {have} strings were sent");
        }

        if (count > have && count * 4 > MaxBroadcastBytes)
        {
            throw new WireFormatException($"tensor '{name}': {have} strings would be broadcast to {count} elements, more than this decoder expands");
        }

        long total = 0;
        for (long i = 0; i < count; i++)
        {
            total += 4 + (have == 0 ? 0 : strings![(int)Math.Min(i, have - 1)].Length);
        }

        if (total > Array.MaxLength)
        {
            throw new WireFormatException($"tensor '{name}': strings exceed the largest supported tensor");
        }

        var data = new byte[total];
        int offset = 0;
        for (long i = 0; i < count; i++)
        {
            var element = have == 0 ? default : strings![(int)Math.Min(i, have - 1)].Span;
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), (uint)element.Length);
            element.CopyTo(data.AsSpan(offset + 4));
            offset += 4 + element.Length;
        }

        return data;
    }
}
