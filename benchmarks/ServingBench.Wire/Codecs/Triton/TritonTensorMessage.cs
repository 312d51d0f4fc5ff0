using System.Buffers.Binary;
using ServingBench.Wire.Codecs.Protobuf;

namespace ServingBench.Wire.Codecs.Triton;

/// <summary>
/// The tensor message shared by ModelInferRequest.InferInputTensor and ModelInferResponse.InferOutputTensor
/// (name=1, datatype=2, shape=3, parameters=4, contents=5) and its InferTensorContents (typed fields 1–8).
/// </summary>
internal static class TritonTensorMessage
{
    private static readonly ScalarField Shape = new("shape", 3, ScalarWire.Varint, 8, Signed: true);
    private static readonly ScalarField BoolContents = new("bool_contents", 1, ScalarWire.Bool, 1, Signed: false);
    private static readonly ScalarField Int8Contents = new("int_contents", 2, ScalarWire.Varint, 1, Signed: true);
    private static readonly ScalarField Int16Contents = new("int_contents", 2, ScalarWire.Varint, 2, Signed: true);
    private static readonly ScalarField Int32Contents = new("int_contents", 2, ScalarWire.Varint, 4, Signed: true);
    private static readonly ScalarField Int64Contents = new("int64_contents", 3, ScalarWire.Varint, 8, Signed: true);
    private static readonly ScalarField UInt8Contents = new("uint_contents", 4, ScalarWire.Varint, 1, Signed: false);
    private static readonly ScalarField UInt16Contents = new("uint_contents", 4, ScalarWire.Varint, 2, Signed: false);
    private static readonly ScalarField UInt32Contents = new("uint_contents", 4, ScalarWire.Varint, 4, Signed: false);
    private static readonly ScalarField UInt64Contents = new("uint64_contents", 5, ScalarWire.Varint, 8, Signed: false);
    private static readonly ScalarField Fp32Contents = new("fp32_contents", 6, ScalarWire.Fixed, 4, Signed: true);
    private static readonly ScalarField Fp64Contents = new("fp64_contents", 7, ScalarWire.Fixed, 8, Signed: true);
    private const int BytesContents = 8;

    /// <summary>Sizes computed once per tensor before writing.</summary>
    internal struct Plan
    {
        public int NameLength;
        public long ShapePayload;
        public long ContentsPayload;
        public long ContentsSize;
        public long Size;
    }

    /// <summary>The InferTensorContents field of a datatype; null for FP16 and BF16 (raw only) and BYTES (bytes_contents).</summary>
    private static ScalarField? ContentsField(DataType type) => type switch
    {
        DataType.Bool => BoolContents,
        DataType.Int8 => Int8Contents,
        DataType.Int16 => Int16Contents,
        DataType.Int32 => Int32Contents,
        DataType.Int64 => Int64Contents,
        DataType.UInt8 => UInt8Contents,
        DataType.UInt16 => UInt16Contents,
        DataType.UInt32 => UInt32Contents,
        DataType.UInt64 => UInt64Contents,
        DataType.FP32 => Fp32Contents,
        DataType.FP64 => Fp64Contents,
        _ => null,
    };

    public static Plan Measure(Tensor tensor, bool typed)
    {
        var plan = default(Plan);
        plan.NameLength = ProtoWriter.Utf8Size(tensor.Name);
        plan.ShapePayload = PackedScalars.PayloadSize(MemoryMarshal.AsBytes(tensor.Shape), Shape);
        long size = (plan.NameLength == 0 ? 0 : ProtoWriter.FieldSize(1, plan.NameLength))
            + ProtoWriter.FieldSize(2, tensor.DataType.ToKServeName().Length)
            + PackedScalars.FieldSize(plan.ShapePayload, Shape);
        if (typed)
        {
            var data = tensor.Data.Span;
            if (tensor.DataType == DataType.Bytes)
            {
                for (int offset = 0; offset < data.Length;)
                {
                    int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
                    plan.ContentsSize += ProtoWriter.FieldSize(BytesContents, length);
                    offset += 4 + length;
                }
            }
            else
            {
                var field = ContentsField(tensor.DataType)
                    ?? throw new WireFormatException($"tensor '{tensor.Name}': {tensor.DataType.ToKServeName()} has no InferTensorContents field; send it raw");
                plan.ContentsPayload = PackedScalars.PayloadSize(data, field);
                plan.ContentsSize = PackedScalars.FieldSize(plan.ContentsPayload, field);
            }

            size += ProtoWriter.FieldSize(5, plan.ContentsSize);
        }

        plan.Size = size;
        return plan;
    }

    public static void Write(ref ProtoWriter writer, Tensor tensor, in Plan plan, bool typed)
    {
        if (plan.NameLength > 0)
        {
            writer.WriteStringField(1, tensor.Name, plan.NameLength);
        }

        string datatype = tensor.DataType.ToKServeName();
        writer.WriteStringField(2, datatype, datatype.Length);
        PackedScalars.Write(ref writer, MemoryMarshal.AsBytes(tensor.Shape), Shape, plan.ShapePayload);
        if (!typed)
        {
            return;
        }

        writer.WriteLengthPrefix(5, plan.ContentsSize);
        var data = tensor.Data.Span;
        if (tensor.DataType == DataType.Bytes)
        {
            for (int offset = 0; offset < data.Length;)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
                writer.WriteBytesField(BytesContents, data.Slice(offset + 4, length));
                offset += 4 + length;
            }
        }
        else
        {
            PackedScalars.Write(ref writer, data, ContentsField(tensor.DataType)!, plan.ContentsPayload);
        }
    }

    /// <summary>A tensor message before its data is resolved: contents, or an index into raw_*_contents.</summary>
    internal readonly record struct Header(string Name, DataType DataType, long[] Shape, ReadOnlyMemory<byte>? Contents);

    public static Header ReadHeader(ProtoReader reader)
    {
        string name = "";
        string datatype = "";
        ScalarAccumulator shape = default;
        ReadOnlyMemory<byte>? contents = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    name = reader.ReadString(wireType, "name");
                    break;
                case 2:
                    datatype = reader.ReadString(wireType, "datatype");
                    break;
                case 3:
                    shape.Add(ref reader, wireType, Shape);
                    break;
                case 5:
                    contents = reader.ReadBytes(wireType, "contents");
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        if (!DataTypeInfo.TryParseKServeName(datatype, out var type))
        {
            throw reader.Error($"tensor '{name}': unknown datatype '{datatype}'");
        }

        return new Header(name, type, MemoryMarshal.Cast<byte, long>(shape.Bytes.Span).ToArray(), contents);
    }

    /// <summary>Builds the tensor from its InferTensorContents; exactly the datatype's own field may be set.</summary>
    public static Tensor FromContents(Header header, string message)
    {
        var reader = new ProtoReader(header.Contents.GetValueOrDefault(), $"{message} contents of '{header.Name}'");
        var expected = ContentsField(header.DataType);
        ScalarAccumulator values = default;
        List<ReadOnlyMemory<byte>>? strings = null;
        while (reader.TryReadTag(out int field, out var wireType))
        {
            if (field < 1 || field > 8)
            {
                reader.Skip(field, wireType);
                continue;
            }

            bool matches = header.DataType == DataType.Bytes ? field == BytesContents : expected?.Number == field;
            if (!matches)
            {
                throw reader.Error($"tensor '{header.Name}' of {header.DataType.ToKServeName()} sets InferTensorContents field {field}");
            }

            if (field == BytesContents)
            {
                (strings ??= []).Add(reader.ReadBytes(wireType, "bytes_contents"));
            }
            else
            {
                values.Add(ref reader, wireType, expected!);
            }
        }

        if (header.DataType != DataType.Bytes)
        {
            return new Tensor(header.Name, header.DataType, header.Shape, values.Bytes);
        }

        long total = 0;
        foreach (var element in strings ?? [])
        {
            total += 4 + element.Length;
        }

        if (total > Array.MaxLength)
        {
            throw reader.Error($"tensor '{header.Name}': bytes_contents exceed the largest supported tensor");
        }

        var data = new byte[total];
        int offset = 0;
        foreach (var element in strings ?? [])
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), (uint)element.Length);
            element.Span.CopyTo(data.AsSpan(offset + 4));
            offset += 4 + element.Length;
        }

        return new Tensor(header.Name, header.DataType, header.Shape, data);
    }
}
