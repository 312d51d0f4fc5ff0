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
    /// <summary>Every symbol's code, for <see cref="HuffmanEncode"/> (the property tests encode thousands of strings).</summary>
    private static readonly (uint Code, int Length)[] Codes = [.. Enumerable.Range(0, HpackHuffman.EndOfString + 1).Select(HpackHuffman.CodeOf)];

    private static readonly List<(string Name, string Value)> FirstRequest = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];

    private static readonly List<(string Name, string Value)> SecondRequest = [.. FirstRequest, ("cache-control", "no-cache")];

    private static readonly List<(string Name, string Value)> ThirdRequest =
        [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")];

    private static readonly List<(string Name, string Value)> FirstResponse =
        [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];

    private static readonly List<(string Name, string Value)> SecondResponse = [(":status", "307"), .. FirstResponse[1..]];

    private static readonly List<(string Name, string Value)> ThirdResponse =
    [
        (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
        ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
    ];

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
        var ex = Assert.Throws<Http2ProtocolException>(() => HpackHuffman.Decode(encoded, new byte[16]));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.CompressionError, ex.ErrorCode);
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

    [Theory] // RFC 7541 C.2.1–C.2.4, each on an empty table
    [InlineData("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", "custom-key", "custom-header", 1, 55)]
    [InlineData("040c 2f73 616d 706c 652f 7061 7468", ":path", "/sample/path", 0, 0)]
    [InlineData("1008 7061 7373 776f 7264 0673 6563 7265 74", "password", "secret", 0, 0)]
    [InlineData("82", ":method", "GET", 0, 0)]
    public void The_Rfc_Field_Representations_Decode_And_Index_As_Published(string hex, string name, string value, int entries, int tableSize)
    {
        var decoder = new HpackDecoder();
        Assert.Equal([(name, value)], Decode(decoder, hex));
        Assert.Equal((entries, tableSize), (decoder.DynamicTableCount, decoder.DynamicTableSize));
    }

    [Theory] // RFC 7541 C.3.1–C.3.3 (no Huffman coding) and C.4.1–C.4.3 (Huffman-coded values), each on one table
    [InlineData("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865", "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")]
    [InlineData("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")]
    public void The_Rfc_Requests_Decode_On_One_Table(string first, string second, string third) =>
        AssertDecodesInOrder(new HpackDecoder(), (first, FirstRequest, 1, 57), (second, SecondRequest, 2, 110), (third, ThirdRequest, 3, 164));

    // RFC 7541 C.5.1–C.5.3 (no Huffman coding) and C.6.1–C.6.3 (Huffman-coded values), each on one 256-byte table that
    // evicts as published: the second block evicts (":status", "302") to make room for (":status", "307").
    [Theory]
    [InlineData(
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 "
            + "7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 "
            + "444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31")]
    [InlineData(
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07")]
    public void The_Rfc_Responses_Decode_And_Evict_On_One_Table(string first, string second, string third) =>
        AssertDecodesInOrder(new HpackDecoder(maxTableSize: 256), (first, FirstResponse, 4, 222), (second, SecondResponse, 4, 222), (third, ThirdResponse, 3, 215));

    [Theory]
    [InlineData("be", "index 62 is outside")] // a dynamic index into an empty table
    [InlineData("3fe2 1f", "table size update to 4097")] // a size update to 4,097 bytes, past the 4,096 advertised
    [InlineData("0085 f2b2 4a", "runs past the end")] // a 5-byte Huffman name with 3 bytes left
    [InlineData("ff", "ends inside an integer")]
    [InlineData("88 20", "size update after a header field")] // :status 200, then a size update to 0 (RFC 7541 §4.2)
    public void Malformed_Blocks_Are_Refused(string hex, string problem)
    {
        var ex = Assert.Throws<Http2ProtocolException>(() => Decode(new HpackDecoder(), hex));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.CompressionError, ex.ErrorCode);
    }

    [Fact]
    public void Table_Size_Updates_At_The_Start_Of_A_Block_Shrink_The_Table()
    {
        var decoder = new HpackDecoder();
        Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"); // C.2.1: one 55-byte entry
        Assert.Equal(1, decoder.DynamicTableCount);

        // Two updates before the first field (to 0, then back to 4,096), as an encoder that shrinks and regrows sends them.
        Assert.Equal([(":method", "GET")], Decode(decoder, "20 3fe1 1f 82"));
        Assert.Equal((0, 0), (decoder.DynamicTableCount, decoder.DynamicTableSize));
    }

    [Fact]
    public void A_Header_Bomb_Stops_At_The_Header_List_Cap()
    {
        // One ~4 KB entry, then 2,000 one-byte references to it: 8 MB decoded from a 6 KB block.
        var bomb = new List<byte> { 0x40 };
        HpackDecoder.WriteInteger(bomb, 1, 7, 0);
        bomb.Add((byte)'x');
        HpackDecoder.WriteInteger(bomb, 4000, 7, 0);
        bomb.AddRange(Enumerable.Repeat((byte)'a', 4000));
        bomb.AddRange(Enumerable.Repeat((byte)0xbe, 2000));
        var sink = new Collected();

        var ex = Assert.Throws<Http2ProtocolException>(() => new HpackDecoder().Decode(bomb.ToArray(), sink));
        Assert.Contains("more than 65536 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.CompressionError, ex.ErrorCode);
        Assert.True(sink.Fields.Sum(f => f.Name.Length + f.Value.Length + 32) <= 64 * 1024);
        Assert.InRange(sink.Fields.Count, 1, 16);
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
            var (code, length) = Codes[symbol];
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

    /// <summary>
    /// Decodes an RFC example's header blocks in order on one decoder, as a connection does, checking each block's
    /// fields and the dynamic table (entries, size in RFC 7541 §4.1 bytes) it leaves.
    /// </summary>
    private static void AssertDecodesInOrder(HpackDecoder decoder, params (string Hex, List<(string Name, string Value)> Fields, int Entries, int TableSize)[] blocks)
    {
        foreach (var (hex, fields, entries, tableSize) in blocks)
        {
            Assert.Equal(fields, Decode(decoder, hex));
            Assert.Equal((entries, tableSize), (decoder.DynamicTableCount, decoder.DynamicTableSize));
        }
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
