using System.Buffers;

namespace ServingBench.Tests.Buffers;

public class BulkCopyTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 3)]
    [InlineData(16 * 1024, 0)]
    [InlineData(602_112, 0)]
    [InlineData(602_112, 4_044)]
    [InlineData(602_113, 77)]
    public void Copies_Every_Byte_At_Any_Placement(int length, int destinationOffset)
    {
        var source = new byte[length];
        new Random(12345).NextBytes(source);
        var destination = new byte[length + destinationOffset + 64];

        BulkCopy.Copy(source, destination.AsSpan(destinationOffset));

        Assert.True(source.AsSpan().SequenceEqual(destination.AsSpan(destinationOffset, length)));
        Assert.All(destination.AsSpan(0, destinationOffset).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Overlapping_Spans_Copy_Like_Memmove()
    {
        var buffer = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();
        var expected = buffer.ToArray();
        expected.AsSpan(0, 30_000).CopyTo(expected.AsSpan(100));

        BulkCopy.Copy(buffer.AsSpan(0, 30_000), buffer.AsSpan(100));

        Assert.Equal(expected, buffer);
    }

    [Fact]
    public void Write_Appends_To_A_Buffer_Writer()
    {
        var source = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray();
        var writer = new ArrayBufferWriter<byte>(16);
        writer.Write<byte>([1, 2, 3]);

        BulkCopy.Write(writer, source);

        Assert.Equal(3 + source.Length, writer.WrittenCount);
        Assert.True(writer.WrittenSpan[3..].SequenceEqual(source));
    }

    [Fact]
    public void Short_Destination_Is_Refused()
    {
        var source = new byte[20_000];
        Assert.Throws<ArgumentException>(() => BulkCopy.Copy(source, new byte[19_999]));
    }
}
