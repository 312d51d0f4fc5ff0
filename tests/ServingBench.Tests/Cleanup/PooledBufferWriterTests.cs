using System.Buffers.Binary;

namespace ServingBench.Tests.Cleanup;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Pooled_Buffer_Grows_And_Keeps_Its_Bytes()
    {
        using var buffer = new PooledBufferWriter(new BufferPool(), 256);
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        foreach (var chunk in data.Chunk(777))
        {
            chunk.CopyTo(buffer.GetSpan(chunk.Length));
            buffer.Advance(chunk.Length);
        }

        Assert.Equal(data, buffer.WrittenSpan.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(int.MaxValue));
    }

    [Fact]
    public void Append_grows_past_the_first_rental_and_rewrite_patches_a_length_prefix()
    {
        using var writer = new PooledBufferWriter(new BufferPool(), 256);
        writer.Append(4);
        for (int i = 0; i < 1000; i++)
        {
            writer.Append(1)[0] = (byte)i;
        }

        BinaryPrimitives.WriteInt32LittleEndian(writer.Rewrite(0, 4), writer.WrittenCount - 4);

        byte[] bytes = writer.ToArray();
        Assert.Equal(1004, bytes.Length);
        Assert.Equal(1000, BinaryPrimitives.ReadInt32LittleEndian(bytes));
        Assert.Equal(unchecked((byte)999), bytes[^1]);
    }

    [Fact]
    public void Rewrite_refuses_bytes_not_yet_written()
    {
        using var writer = new PooledBufferWriter(new BufferPool());
        writer.Append(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Rewrite(1, 2));
    }
}
