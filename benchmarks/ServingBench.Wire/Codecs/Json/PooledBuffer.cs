using System.Buffers;

namespace ServingBench.Wire.Codecs.Json;

/// <summary>A growable byte buffer rented from the shared pool: decoders collect elements here, then copy out once.</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _length;

    public PooledBuffer(int initialCapacity = 4096)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_length);
    }

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    public Span<byte> Append(int count)
    {
        Ensure(count);
        var span = _array.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public Span<byte> Slice(int start, int count) => _array.AsSpan(start, count);

    public byte[] ToArray() => _array.AsSpan(0, _length).ToArray();

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_array.Length - _length >= sizeHint)
        {
            return;
        }

        long wanted = Math.Max((long)_array.Length * 2, (long)_length + sizeHint);
        if (wanted > Array.MaxLength)
        {
            wanted = Array.MaxLength;
            if (wanted - _length < sizeHint)
            {
                throw new WireFormatException("tensor data exceeds the largest supported buffer");
            }
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)wanted);
        _array.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
