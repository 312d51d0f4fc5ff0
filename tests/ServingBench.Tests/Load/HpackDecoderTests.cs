using TextEncoding = System.Text.Encoding;
using ServingBench.Load;
using ServingBench.Load.Http2;

namespace ServingBench.Tests.Load;

/// <summary>
/// The lean gRPC client's HPACK decoder against RFC 7541: its Huffman code, its integers, and the RFC's own examples
/// (Appendix C), whose header blocks real servers' encoders would also produce.
/// </summary>
public sealed class HpackDecoderTests
{
    [Theory]
    [InlineData(0, 0x1ff8u, 13)]
    [InlineData(1, 0x7fffd8u, 23)]
    [InlineData(9, 0xffffeau, 24)]
    [InlineData(10, 0x3ffffffcu, 30)]
    [InlineData('0', 0x0u, 5)]
    [InlineData(' ', 0x14u, 6)]
    [InlineData('a', 0x3u, 5)]
    [InlineData('w', 0x78u, 7)]
    [InlineData(255, 0x3ffffeeu, 26)]
    [InlineData(HpackHuffman.EndOfString, 0x3fffffffu, 30)]
    public void Codes_Built_From_The_Lengths_Are_The_Published_Codes(int symbol, uint code, int length)
    {
        Assert.Equal((code, length), HpackHuffman.CodeOf(symbol));
    }

    [Fact]
    public void The_Code_Is_Complete_And_Every_Byte_Round_Trips()
    {
        // Kraft's sum of a complete prefix code is exactly 1: every bit string decodes or is a prefix of a code.
        long kraft = HpackHuffman.CodeLengths.Sum(length => 1L << (30 - length));
        Assert.Equal(1L << 30, kraft);
        Assert.Equal(257, HpackHuffman.CodeLengths.Length);

        byte[] everyByte = [.. Enumerable.Range(0, 256).Select(b => (byte)b), .. "www.example.com"u8];
        byte[] encoded = HuffmanEncode(everyByte);
        var decoded = new byte[HpackHuffman.MaxDecodedLength(encoded.Length)];
        Assert.Equal(everyByte, decoded.AsSpan(0, HpackHuffman.Decode(encoded, decoded)).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, "invalid padding")] // '0' (00000), then padding 000 that is not all ones
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff }, "end-of-string")] // the EOS code itself, then padding
    [InlineData(new byte[] { 0x1f, 0xff }, "invalid padding")] // 'a', then 11 bits of padding
    public void Bad_Huffman_Strings_Are_Refused(byte[] encoded, string problem)
    {
        var ex = Assert.Throws<InvalidDataException>(() => HpackHuffman.Decode(encoded, new byte[16]));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 5, new byte[] { 0x0a })] // RFC 7541 C.1.1
    [InlineData(1337, 5, new byte[] { 0x1f, 0x9a, 0x0a })] // C.1.2
    [InlineData(42, 8, new byte[] { 0x2a })] // C.1.3
    public void Integers_Encode_And_Decode_As_The_Rfc_Shows(int value, int prefixBits, byte[] wire)
    {
        var written = new List<byte>();
        HpackDecoder.WriteInteger(written, value, prefixBits, 0);
        Assert.Equal(wire, written);
        int position = 0;
        Assert.Equal(value, HpackDecoder.ReadInteger(wire, ref position, prefixBits));
        Assert.Equal(wire.Length, position);
    }

    [Fact]
    public void The_Rfc_Request_With_Huffman_Decodes() // RFC 7541 C.4.1
    {
        var fields = Decode(new HpackDecoder(), "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff");
        Assert.Equal([(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")], fields);
    }

    [Fact]
    public void The_Rfc_Responses_With_Huffman_Decode_And_Evict_As_Published() // RFC 7541 C.6.1–C.6.3, a 256-byte table
    {
        var decoder = new HpackDecoder(maxTableSize: 256);
        var first = Decode(decoder, "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3");
        Assert.Equal([(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")], first);
        Assert.Equal((4, 222), (decoder.DynamicTableCount, decoder.DynamicTableSize));

        var second = Decode(decoder, "4883 640e ffc1 c0bf");
        Assert.Equal([(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")], second);
        Assert.Equal((4, 222), (decoder.DynamicTableCount, decoder.DynamicTableSize));

        var third = Decode(decoder, "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07");
        Assert.Equal(
            [
                (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
                ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
            ],
            third);
        Assert.Equal((3, 215), (decoder.DynamicTableCount, decoder.DynamicTableSize));
    }

    [Theory]
    [InlineData("be", "index 62 is outside")] // a dynamic index into an empty table
    [InlineData("3fe2 1f", "table size update")] // a size update to 4,097 bytes, past the 4,096 advertised
    [InlineData("0085 f2b2 4a", "runs past the end")] // a 5-byte Huffman name with 3 bytes left
    [InlineData("ff", "ends inside an integer")]
    public void Malformed_Blocks_Are_Refused(string hex, string problem)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Decode(new HpackDecoder(), hex));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Lean_Clients_Request_Headers_Are_The_Fields_Of_A_Grpc_Call()
    {
        byte[] block = PreEncodedGrpcSender.RequestHeaderBlock("127.0.0.1:8001", "/inference.GRPCInferenceService/ModelInfer");
        var fields = Decode(new HpackDecoder(), Convert.ToHexString(block));
        Assert.Equal(
            [
                (":method", "POST"), (":scheme", "http"), (":path", "/inference.GRPCInferenceService/ModelInfer"),
                (":authority", "127.0.0.1:8001"), ("content-type", "application/grpc"), ("te", "trailers"), ("user-agent", "servingbench-load-lean"),
            ],
            fields);
    }

    /// <summary>Huffman-codes <paramref name="text"/> with the decoder's own code table (for tests, and the fake server).</summary>
    internal static byte[] HuffmanEncode(ReadOnlySpan<byte> text)
    {
        var output = new List<byte>();
        ulong bits = 0;
        int count = 0;
        foreach (byte symbol in text)
        {
            var (code, length) = HpackHuffman.CodeOf(symbol);
            bits = (bits << length) | code;
            count += length;
            while (count >= 8)
            {
                output.Add((byte)(bits >> (count - 8)));
                count -= 8;
            }
        }

        if (count > 0)
        {
            // Pad with the end-of-string code's leading ones.
            output.Add((byte)((bits << (8 - count)) | ((1u << (8 - count)) - 1)));
        }

        return [.. output];
    }

    private static List<(string Name, string Value)> Decode(HpackDecoder decoder, string hex)
    {
        var sink = new Collected();
        decoder.Decode(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)), sink);
        return sink.Fields;
    }

    private sealed class Collected : IHeaderSink
    {
        public List<(string Name, string Value)> Fields { get; } = [];

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            Fields.Add((TextEncoding.ASCII.GetString(name), TextEncoding.ASCII.GetString(value)));
    }
}
