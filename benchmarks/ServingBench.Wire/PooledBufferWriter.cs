namespace ServingBench.Wire;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays from its owner's <see cref="BufferPool"/>: encoding a 600 KB tensor
/// per request must not allocate a fresh large-object-heap array each time. Dispose returns it.
/// Clients, emulators and benchmarks share it; decoders can collect elements with <see cref="Append"/>.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private readonly BufferPool _pool;
    private byte[] _buffer;
    private int _written;

    /// <param name="pool">The pool of the server or client this buffer works for.</param>
    public PooledBufferWriter(BufferPool pool, int initialCapacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
        _buffer = pool.Rent(Math.Max(initialCapacity, 256));
    }

    /// <summary>Where this buffer's arrays come from: a buffer derived from it (its compressed form) rents from the same owner.</summary>
    public BufferPool Pool => _pool;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        if (count < 0 || count > _buffer.Length - _written)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"cannot advance {count} bytes past the buffer end");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Reserves <paramref name="count"/> bytes, counts them as written, and returns them for the caller to fill.</summary>
    public Span<byte> Append(int count)
    {
        Ensure(count);
        var span = _buffer.AsSpan(_written, count);
        _written += count;
        return span;
    }

    /// <summary>Bytes already written, for patching in place (a length prefix known only after its payload).</summary>
    public Span<byte> Rewrite(int start, int count)
    {
        if ((uint)start > (uint)_written || (uint)count > (uint)(_written - start))
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"bytes {start}..{start + count} are not all written ({_written} are)");
        }

        return _buffer.AsSpan(start, count);
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Clear() => _written = 0;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            _pool.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        if ((long)_written + needed > Array.MaxLength)
        {
            // Renting a smaller array would hand back a span shorter than asked for.
            throw new WireFormatException($"{_written + (long)needed} bytes exceed the largest supported buffer ({Array.MaxLength})");
        }

        long target = Math.Max((long)_buffer.Length * 2, (long)_written + needed);
        var grown = _pool.Rent((int)Math.Min(target, Array.MaxLength));
        _buffer.AsSpan(0, _written).CopyTo(grown);
        _pool.Return(_buffer);
        _buffer = grown;
    }
}
