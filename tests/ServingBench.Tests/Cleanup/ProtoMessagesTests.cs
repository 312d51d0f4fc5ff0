using ServingBench.Wire.Codecs.Protobuf;

namespace ServingBench.Tests.Cleanup;

public sealed class ProtoMessagesTests
{
    // map<string, bytes> entry {key="data", value=01 02 03}, value first as a peer may send it, plus an unknown field 9.
    private static readonly byte[] MapEntry = [0x12, 0x03, 1, 2, 3, 0x48, 0x07, 0x0A, 0x04, (byte)'d', (byte)'a', (byte)'t', (byte)'a'];

    [Fact]
    public void Map_entry_reads_key_and_views_value_in_place_in_any_order()
    {
        var (key, value) = ProtoMessages.ReadMapEntry(new ProtoReader(MapEntry, "Entry"));

        Assert.Equal("data", key);
        Assert.Equal(new byte[] { 1, 2, 3 }, value.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(value, out var segment));
        Assert.Same(MapEntry, segment.Array);
    }

    [Fact]
    public void A_field_with_the_wrong_wire_type_names_the_message_and_the_field()
    {
        byte[] keyAsVarint = [0x08, 0x01];

        var ex = Assert.Throws<WireFormatException>(() => ProtoMessages.ReadMapEntry(new ProtoReader(keyAsVarint, "Entry")));

        Assert.Contains("Entry", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'key'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Varint_field_one_reads_a_wrapper_and_defaults_to_zero()
    {
        Assert.Equal(300UL, ProtoMessages.ReadVarintField1(new ProtoReader(new byte[] { 0x08, 0xAC, 0x02 }, "Int64Value"), "value"));
        Assert.Equal(0UL, ProtoMessages.ReadVarintField1(new ProtoReader(ReadOnlyMemory<byte>.Empty, "Int64Value"), "value"));
    }

    [Fact]
    public void Typed_readers_check_the_wire_type_before_reading()
    {
        var reader = new ProtoReader(new byte[] { 0x0A, 0x01, (byte)'x' }, "M");
        Assert.True(reader.TryReadTag(out _, out var wireType));

        var ex = Assert.Throws<WireFormatException>(() => reader.ReadVarint(wireType, "count"));

        Assert.Contains("'count'", ex.Message, StringComparison.Ordinal);
    }
}
