using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.Json;

/// <summary>How one dialect spells tensor elements: number style, float32 widening, and BYTES form.</summary>
internal readonly record struct JsonElementStyle(NumberStyle Numbers, bool WidenSingles, JsonBytesForm Bytes, bool AllowNonFinite = true, bool AsciiOnly = false);

/// <summary>Writes tensor elements as JSON in the layouts the three servers use.</summary>
internal static class JsonTensorWriter
{
    /// <summary>Rejects the element types no JSON dialect here carries.</summary>
    public static void EnsureJsonType(Tensor tensor)
    {
        if (tensor.DataType is DataType.FP16 or DataType.BF16)
        {
            throw new WireFormatException($"tensor '{tensor.Name}': {tensor.DataType.ToKServeName()} cannot be carried in JSON; use a binary encoding");
        }

        _ = tensor.DataType.ElementSize();
    }

    /// <summary>Writes the element at <paramref name="offset"/> and moves past it.</summary>
    public static void WriteElement(ref JsonOutput output, DataType type, ReadOnlySpan<byte> data, ref int offset, in JsonElementStyle style)
    {
        switch (type)
        {
            case DataType.FP32:
                WriteSingle(ref output, MemoryMarshal.Read<float>(data[offset..]), style);
                offset += 4;
                return;
            case DataType.FP64:
                double d = MemoryMarshal.Read<double>(data[offset..]);
                CheckFinite(double.IsFinite(d), style);
                output.Double(d, style.Numbers);
                offset += 8;
                return;
            case DataType.Int64:
                output.Int64(MemoryMarshal.Read<long>(data[offset..]));
                offset += 8;
                return;
            case DataType.Int32:
                output.Int64(MemoryMarshal.Read<int>(data[offset..]));
                offset += 4;
                return;
            case DataType.Int16:
                output.Int64(MemoryMarshal.Read<short>(data[offset..]));
                offset += 2;
                return;
            case DataType.Int8:
                output.Int64((sbyte)data[offset]);
                offset += 1;
                return;
            case DataType.UInt64:
                output.UInt64(MemoryMarshal.Read<ulong>(data[offset..]));
                offset += 8;
                return;
            case DataType.UInt32:
                output.UInt64(MemoryMarshal.Read<uint>(data[offset..]));
                offset += 4;
                return;
            case DataType.UInt16:
                output.UInt64(MemoryMarshal.Read<ushort>(data[offset..]));
                offset += 2;
                return;
            case DataType.UInt8:
                output.UInt64(data[offset]);
                offset += 1;
                return;
            case DataType.Bool:
                output.Bool(data[offset] != 0);
                offset += 1;
                return;
            case DataType.Bytes:
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
                var element = data.Slice(offset + 4, length);
                offset += 4 + length;
                switch (style.Bytes)
                {
                    case JsonBytesForm.Base64Object:
                        output.Raw("{\"b64\": \""u8);
                        output.Base64Text(element);
                        output.Raw("\"}"u8);
                        return;
                    case JsonBytesForm.Base64String:
                        output.Byte((byte)'"');
                        output.Base64Text(element);
                        output.Byte((byte)'"');
                        return;
                    default:
                        output.String(element, style.AsciiOnly);
                        return;
                }

            default:
                throw new WireFormatException($"{type.ToKServeName()} cannot be carried in JSON; use a binary encoding");
        }
    }

    /// <summary><c>[e0,e1,...]</c> with no whitespace (Triton, row-major whatever the rank).</summary>
    public static void WriteFlat(ref JsonOutput output, Tensor tensor, in JsonElementStyle style)
    {
        EnsureJsonType(tensor);
        var data = tensor.Data.Span;
        output.Byte((byte)'[');
        int offset = 0;
        if (tensor.DataType == DataType.FP32 && style.WidenSingles && !style.AllowNonFinite)
        {
            WriteWidenedSingles(ref output, MemoryMarshal.Cast<byte, float>(data), style.Numbers);
        }
        else if (tensor.DataType == DataType.FP32 && !style.WidenSingles)
        {
            output.Singles(MemoryMarshal.Cast<byte, float>(data), ","u8, style.Numbers, style.AllowNonFinite);
        }
        else
        {
            for (long i = 0; i < tensor.ElementCount; i++)
            {
                if (i > 0)
                {
                    output.Byte((byte)',');
                }

                WriteElement(ref output, tensor.DataType, data, ref offset, style);
            }
        }

        output.Byte((byte)']');
    }

    /// <summary>Nested lists following the shape, no whitespace (our clients' request bodies).</summary>
    public static void WriteNestedCompact(ref JsonOutput output, Tensor tensor, in JsonElementStyle style, int firstDim = 0)
    {
        EnsureJsonType(tensor);
        int offset = 0;
        WriteNestedCompact(ref output, tensor, tensor.Data.Span, firstDim, ref offset, style);
    }

    /// <summary>One slice of the tensor (from dimension <paramref name="dim"/> on) at <paramref name="offset"/>, nested, compact.</summary>
    public static void WriteNestedCompact(ref JsonOutput output, Tensor tensor, ReadOnlySpan<byte> data, int dim, ref int offset, in JsonElementStyle style)
    {
        var shape = tensor.Shape;
        if (dim >= shape.Length)
        {
            WriteElement(ref output, tensor.DataType, data, ref offset, style);
            return;
        }

        output.Byte((byte)'[');
        if (dim == shape.Length - 1 && tensor.DataType == DataType.FP32)
        {
            WriteSingleRun(ref output, data, ref offset, (int)shape[dim], ","u8, style);
        }
        else
        {
            for (long i = 0; i < shape[dim]; i++)
            {
                if (i > 0)
                {
                    output.Byte((byte)',');
                }

                WriteNestedCompact(ref output, tensor, data, dim + 1, ref offset, style);
            }
        }

        output.Byte((byte)']');
    }

    /// <summary>TF Serving's AddTensorValues: the slice from <paramref name="dim"/> on, laid out by rapidjson's PrettyWriter.</summary>
    public static void WritePretty(ref JsonOutput output, ref RapidJsonPretty layout, Tensor tensor, ReadOnlySpan<byte> data, int dim, ref int offset, in JsonElementStyle style)
    {
        var shape = tensor.Shape;
        if (dim >= shape.Length)
        {
            layout.Prefix(ref output);
            WriteElement(ref output, tensor.DataType, data, ref offset, style);
            return;
        }

        layout.StartArray(ref output);
        for (long i = 0; i < shape[dim]; i++)
        {
            WritePretty(ref output, ref layout, tensor, data, dim + 1, ref offset, style);
        }

        layout.EndArray(ref output);
    }

    /// <summary>Python's json.dumps(tensor.tolist(), indent=2): every element on its own line.</summary>
    public static void WritePython(ref JsonOutput output, Tensor tensor, in JsonElementStyle style)
    {
        EnsureJsonType(tensor);
        int offset = 0;
        WritePython(ref output, tensor, tensor.Data.Span, 0, ref offset, style);
    }

    private static void WritePython(ref JsonOutput output, Tensor tensor, ReadOnlySpan<byte> data, int dim, ref int offset, in JsonElementStyle style)
    {
        var shape = tensor.Shape;
        if (dim >= shape.Length)
        {
            WriteElement(ref output, tensor.DataType, data, ref offset, style);
            return;
        }

        if (shape[dim] == 0)
        {
            output.Raw("[]"u8);
            return;
        }

        output.Byte((byte)'[');
        int indent = 2 * (dim + 1);
        if (dim == shape.Length - 1 && tensor.DataType == DataType.FP32 && indent <= 64)
        {
            Span<byte> separator = stackalloc byte[indent + 2];
            separator.Fill((byte)' ');
            separator[0] = (byte)',';
            separator[1] = (byte)'\n';
            output.Raw(separator[1..]);
            WriteSingleRun(ref output, data, ref offset, (int)shape[dim], separator, style);
        }
        else
        {
            for (long i = 0; i < shape[dim]; i++)
            {
                if (i > 0)
                {
                    output.Byte((byte)',');
                }

                output.Byte((byte)'\n');
                output.Spaces(indent);
                WritePython(ref output, tensor, data, dim + 1, ref offset, style);
            }
        }

        output.Byte((byte)'\n');
        output.Spaces(2 * dim);
        output.Byte((byte)']');
    }

    // A run of float32 elements with a fixed separator: the hot loop of every JSON encode.
    private static void WriteSingleRun(ref JsonOutput output, ReadOnlySpan<byte> data, ref int offset, int count, scoped ReadOnlySpan<byte> separator, in JsonElementStyle style)
    {
        var values = MemoryMarshal.Cast<byte, float>(data.Slice(offset, count * 4));
        if (!style.WidenSingles)
        {
            output.Singles(values, separator, style.Numbers, style.AllowNonFinite);
            offset += count * 4;
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                output.Raw(separator);
            }

            WriteSingle(ref output, values[i], style);
        }

        offset += count * 4;
    }

    private static void WriteWidenedSingles(ref JsonOutput output, ReadOnlySpan<float> values, NumberStyle style)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                output.Byte((byte)',');
            }

            float f = values[i];
            if (!float.IsFinite(f))
            {
                throw new WireFormatException($"element {i} is {f}; JSON has no NaN or Infinity here, use a binary encoding");
            }

            output.Double(f, style);
        }
    }

    // One float32 element, widened to double where the dialect prints float32 as its double value. Inlined: the
    // widening run calls it per element.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteSingle(ref JsonOutput output, float value, in JsonElementStyle style)
    {
        CheckFinite(float.IsFinite(value), style);
        if (style.WidenSingles)
        {
            output.Double(value, style.Numbers);
        }
        else
        {
            output.Single(value, style.Numbers);
        }
    }

    private static void CheckFinite(bool finite, in JsonElementStyle style)
    {
        if (!finite && !style.AllowNonFinite)
        {
            throw new WireFormatException("NaN and Infinity cannot be carried in this JSON; use a binary encoding");
        }
    }
}
