using System.Buffers.Binary;

namespace ServingBench.Wire.Tensors;

/// <summary>
/// A named tensor: datatype, shape and little-endian, row-major element bytes with no padding (the layout every
/// raw wire format uses, so encoding a raw body is one copy and decoding can point into the received buffer).
/// BYTES tensors hold each element as a 4-byte little-endian length followed by its bytes (Triton's layout).
/// </summary>
/// <remarks>
/// A decoded tensor may view the buffer it was decoded from (zero copy); it is valid as long as that buffer is.
/// Typed views (<see cref="AsSpan{T}"/>) reinterpret the bytes in place, which assumes a little-endian host.
/// </remarks>
public sealed class Tensor
{
    private readonly long[] _shape;

    public Tensor(string name, DataType dataType, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensor views assume a little-endian host");
        }

        Name = name;
        DataType = dataType;
        _shape = shape.ToArray();
        ElementCount = CountElements(name, _shape);
        Data = data;

        int elementSize = dataType.ElementSize();
        if (elementSize > 0)
        {
            long expected = ElementCount * elementSize;
            if (data.Length != expected)
            {
                throw new WireFormatException(
                    $"tensor '{name}': shape [{string.Join(",", _shape)}] of {dataType.ToKServeName()} needs {expected} bytes, got {data.Length}");
            }
        }
        else
        {
            long count = CountBytesElements(name, data.Span);
            if (count != ElementCount)
            {
                throw new WireFormatException(
                    $"tensor '{name}': shape [{string.Join(",", _shape)}] needs {ElementCount} BYTES elements, got {count}");
            }
        }
    }

    public string Name { get; }

    public DataType DataType { get; }

    public ReadOnlySpan<long> Shape => _shape;

    public long ElementCount { get; }

    /// <summary>Element bytes: little-endian, row-major; BYTES elements length-prefixed.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The elements as <typeparamref name="T"/>, in place; <typeparamref name="T"/> must match the element size.</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged
    {
        int size = DataType.ElementSize();
        if (size == 0 || Marshal.SizeOf<T>() != size)
        {
            throw new InvalidOperationException($"tensor '{Name}' is {DataType.ToKServeName()}; cannot view it as {typeof(T).Name}");
        }

        return MemoryMarshal.Cast<byte, T>(Data.Span);
    }

    public static Tensor FromFloats(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) =>
        new(name, DataType.FP32, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static Tensor FromInt64s(string name, ReadOnlySpan<long> shape, ReadOnlySpan<long> values) =>
        new(name, DataType.Int64, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A BYTES tensor of the given elements (for a JPEG, a WAV file or UTF-8 text: shape [1]).</summary>
    public static Tensor FromBytesElements(string name, ReadOnlySpan<long> shape, IReadOnlyList<ReadOnlyMemory<byte>> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        long total = 0;
        foreach (var element in elements)
        {
            total += 4 + element.Length;
        }

        var data = new byte[total];
        int offset = 0;
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), (uint)element.Length);
            element.Span.CopyTo(data.AsSpan(offset + 4));
            offset += 4 + element.Length;
        }

        return new Tensor(name, DataType.Bytes, shape, data);
    }

    /// <summary>The elements of a BYTES tensor, each a view into <see cref="Data"/>.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> GetBytesElements()
    {
        if (DataType != DataType.Bytes)
        {
            throw new InvalidOperationException($"tensor '{Name}' is {DataType.ToKServeName()}, not BYTES");
        }

        var elements = new List<ReadOnlyMemory<byte>>((int)ElementCount);
        int offset = 0;
        while (offset < Data.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(Data.Span[offset..]);
            elements.Add(Data.Slice(offset + 4, length));
            offset += 4 + length;
        }

        return elements;
    }

    /// <summary>
    /// Row <paramref name="index"/> of dimension 0 as a batch of one ([1, …]), viewing this tensor's bytes: what one
    /// item of a batch is on a wire that carries one item per request (TorchServe).
    /// </summary>
    public Tensor Row(long index)
    {
        int elementSize = DataType.ElementSize();
        if (elementSize == 0 || _shape.Length == 0)
        {
            throw new InvalidOperationException($"tensor '{Name}' ({DataType.ToKServeName()} [{string.Join(",", _shape)}]) has no fixed-size rows");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _shape[0]);
        long rowBytes = Data.Length / _shape[0];
        long[] shape = [1, .. _shape[1..]];
        return new Tensor(Name, DataType, shape, Data.Slice(checked((int)(index * rowBytes)), checked((int)rowBytes)));
    }

    public Tensor WithName(string name) => new(name, DataType, _shape, Data);

    /// <summary>Bit-exact equality of name, datatype, shape and element bytes.</summary>
    public bool ContentEquals(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Name == other.Name
            && DataType == other.DataType
            && Shape.SequenceEqual(other.Shape)
            && Data.Span.SequenceEqual(other.Data.Span);
    }

    public override string ToString() => $"{Name}: {DataType.ToKServeName()} [{string.Join(",", _shape)}]";

    /// <summary>Product of the dimensions, rejecting negative dims and overflow (both mean a malformed shape).</summary>
    public static long CountElements(string name, ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
            {
                throw new WireFormatException($"tensor '{name}': negative dimension {dim} in shape");
            }

            try
            {
                count = checked(count * dim);
            }
            catch (OverflowException ex)
            {
                throw new WireFormatException($"tensor '{name}': shape [{string.Join(",", shape.ToArray())}] overflows", ex);
            }
        }

        if (count > Array.MaxLength)
        {
            throw new WireFormatException($"tensor '{name}': {count} elements exceed the largest supported tensor");
        }

        return count;
    }

    private static long CountBytesElements(string name, ReadOnlySpan<byte> data)
    {
        long count = 0;
        int offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                throw new WireFormatException($"tensor '{name}': BYTES element {count} is truncated (no room for its 4-byte length)");
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            if (length > data.Length - offset - 4)
            {
                throw new WireFormatException($"tensor '{name}': BYTES element {count} declares {length} bytes, only {data.Length - offset - 4} remain");
            }

            offset += 4 + (int)length;
            count++;
        }

        return count;
    }
}
