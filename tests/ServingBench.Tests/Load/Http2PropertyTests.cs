using CsCheck;
using ServingBench.Load.Http2;

namespace ServingBench.Tests.Load;

/// <summary>
/// Properties of the lean gRPC client's frame reader and HPACK decoder over generated input (CsCheck; a failure prints
/// the seed that reproduces it). Whatever a server sends, reading it ends in a frame, the decoder's own protocol error or
/// the end of the input, within the caps; and whatever a valid encoder sends decodes to what it encoded.
/// </summary>
public sealed class Http2PropertyTests
{
    private static readonly Http2Limits Limits = Http2Limits.Default;

    // Each case takes microseconds: these counts keep the three properties to about two CPU seconds together.
    private const long HostileFrameCases = 3_000;
    private const long HostileBlockCases = 3_000;
    private const long ValidCases = 1_500;

    /// <summary>A value that nearly fills the 4,096-byte table on its own.</summary>
    private static readonly Gen<byte[]> LongText = Gen.Select(Gen.Byte, Gen.Int[3900, 4060], (value, length) => Enumerable.Repeat(value, length).ToArray());

    /// <summary>A frame with any type, flags and stream id; a payload of random bytes or of HPACK-like representations.</summary>
    private static readonly Gen<byte[]> AnyFrame = Gen.Select(
        Gen.Int[0, 10], Gen.Byte, Gen.Int[0, 5], Gen.OneOf(Gen.Byte.Array[0, 48], HpackLike(bombs: false)), (type, flags, stream, payload) =>
        {
            var frame = new byte[Http2Frame.HeaderLength + payload.Length];
            Http2Frame.WriteHeader(frame, payload.Length, (FrameType)type, flags, stream);
            payload.CopyTo(frame, Http2Frame.HeaderLength);
            return frame;
        });

    /// <summary>Frames one after another, sometimes cut short and sometimes with one byte changed (a length, a type).</summary>
    private static readonly Gen<byte[]> AnyInput = Gen.Select(
        AnyFrame.Array[0, 24], Gen.Int[0, 2], Gen.Int.Positive, Gen.Byte, (frames, damage, where, value) =>
        {
            byte[] input = [.. frames.SelectMany(frame => frame)];
            if (input.Length > 0 && damage == 1)
            {
                input[where % input.Length] = value;
            }
            else if (input.Length > 0 && damage == 2)
            {
                input = input[..(where % input.Length)];
            }

            return input;
        });

    [Fact]
    public async Task Any_Input_Ends_In_Frames_A_Protocol_Error_Or_Its_End_Within_The_Caps()
    {
        await AnyInput.SampleAsync(
            async input =>
            {
                using var source = new MemoryStream(input);
                var reader = new Http2FrameReader(source, Limits);
                var decoder = new HpackDecoder(maxHeaderListSize: Limits.MaxHeaderListSize);
                int frames = 0;
                try
                {
                    while (true)
                    {
                        var frame = await reader.ReadFrameAsync(CancellationToken.None);

                        // Every frame consumes its 9-byte header at least: the reader cannot loop without reading.
                        Assert.True(++frames <= input.Length / Http2Frame.HeaderLength, $"{frames} frames from {input.Length} bytes");
                        Assert.True(reader.Payload.Length <= Math.Max(Http2Frame.DefaultMaxFrameSize, Limits.MaxHeaderListSize));
                        if (frame.Type == FrameType.Headers)
                        {
                            var fields = new ListSize();
                            decoder.Decode(reader.Payload.Span, fields);
                            Assert.True(fields.Size <= Limits.MaxHeaderListSize, $"a {fields.Size}-byte header list");
                            Assert.True(decoder.DynamicTableSize <= 4096, $"a {decoder.DynamicTableSize}-byte table");
                        }
                    }
                }
                catch (Http2ProtocolException)
                {
                    // The decoder's own error: a connection error the client reports and recovers from.
                }
                catch (IOException ex) when (ex.Message == "the server closed the connection")
                {
                    Assert.Equal(input.Length, source.Position);
                }
            },
            iter: HostileFrameCases);
    }

    [Fact]
    public void Any_Header_Blocks_Decode_Or_Raise_A_Compression_Error_Within_The_Caps()
    {
        HpackLike(bombs: true).Array[1, 4].Sample(
            blocks =>
            {
                var decoder = new HpackDecoder(maxHeaderListSize: Limits.MaxHeaderListSize);
                foreach (var block in blocks)
                {
                    var fields = new ListSize();
                    try
                    {
                        decoder.Decode(block, fields);
                    }
                    catch (Http2ProtocolException ex)
                    {
                        Assert.Equal(Http2ErrorCode.CompressionError, ex.ErrorCode);
                        return;
                    }
                    finally
                    {
                        Assert.True(fields.Size <= Limits.MaxHeaderListSize, $"a {fields.Size}-byte header list");
                        Assert.True(decoder.DynamicTableSize <= 4096, $"a {decoder.DynamicTableSize}-byte table");
                    }
                }
            },
            iter: HostileBlockCases);
    }

    [Fact]
    public async Task Valid_Header_Blocks_Split_Over_Continuation_Frames_Decode_To_What_Was_Encoded()
    {
        var fields = Gen.Select(Gen.Int[0, 4], Gen.Int[1, 200], Gen.Byte.Array[1, 24], Gen.Byte.Array[0, 80], Gen.Bool, Gen.Bool, (kind, index, name, value, huffmanName, huffmanValue) =>
            new FieldChoice(kind, index, name, value, huffmanName, huffmanValue));
        var blocks = Gen.Select(fields.Array[0, 16], Gen.Int[-1, 4096], Gen.Int[0, Limits.MaxContinuationFrames], Gen.Bool, Gen.Bool, Gen.Bool, (choices, sizeUpdate, continuations, padded, priority, dataAfter) =>
            new BlockChoice(choices, sizeUpdate, continuations, padded, priority, dataAfter));

        await blocks.Array[1, 6].SampleAsync(
            async choices =>
            {
                var encoder = new ModelEncoder();
                var expected = new List<List<string>>();
                var wire = new List<byte>();
                foreach (var block in choices)
                {
                    var (bytes, list) = encoder.Encode(block);
                    expected.Add(list);
                    wire.AddRange(Frame(bytes, block));
                }

                using var source = new MemoryStream([.. wire]);
                var reader = new Http2FrameReader(source, Limits);
                var decoder = new HpackDecoder(maxHeaderListSize: Limits.MaxHeaderListSize);
                var decoded = new List<List<string>>();
                while (decoded.Count < choices.Length)
                {
                    if ((await reader.ReadFrameAsync(CancellationToken.None)).Type == FrameType.Headers)
                    {
                        var sink = new Fields();
                        decoder.Decode(reader.Payload.Span, sink);
                        decoded.Add(sink.List);
                    }
                }

                Assert.Equal(expected, decoded);
                Assert.Equal(encoder.TableSize, decoder.DynamicTableSize);
            },
            iter: ValidCases);
    }

    /// <summary>HEADERS (padded, with a priority field, as chosen) and CONTINUATION frames carrying one block; maybe a DATA frame after.</summary>
    private static IEnumerable<byte> Frame(byte[] block, BlockChoice choice)
    {
        int pieces = choice.Continuations + 1;
        var frames = new List<byte>();
        for (int i = 0; i < pieces; i++)
        {
            var fragment = block[(block.Length * i / pieces)..(block.Length * (i + 1) / pieces)];
            byte flags = i == pieces - 1 ? FrameFlags.EndHeaders : (byte)0;
            byte[] payload = fragment;
            var type = FrameType.Continuation;
            if (i == 0)
            {
                type = FrameType.Headers;
                flags |= FrameFlags.EndStream;
                if (choice.Priority)
                {
                    flags |= FrameFlags.Priority;
                    payload = [0, 0, 0, 0, 15, .. payload];
                }

                if (choice.Padded)
                {
                    flags |= FrameFlags.Padded;
                    payload = [3, .. payload, 0, 0, 0];
                }
            }

            var header = new byte[Http2Frame.HeaderLength];
            Http2Frame.WriteHeader(header, payload.Length, type, flags, 1);
            frames.AddRange(header);
            frames.AddRange(payload);
        }

        if (choice.DataAfter)
        {
            var data = new byte[Http2Frame.HeaderLength + 5];
            Http2Frame.WriteHeader(data, 5, FrameType.Data, 0, 1);
            frames.AddRange(data);
        }

        return frames;
    }

    /// <summary>
    /// HPACK representations with random indices, lengths and flags, mostly well formed, often not; among them ~4 KB
    /// literals and runs of one-byte references to the newest table entries, the parts of a header bomb.
    /// </summary>
    /// <param name="bombs">Whether to include the ~4 KB literals (one byte repeated: random ones cost the generator more than the decoder).</param>
    private static Gen<byte[]> HpackLike(bool bombs) =>
        Gen.Select(Gen.Int[0, 5], Gen.OneOf(Gen.Int[0, 70], Gen.Int[0, 5000]), bombs ? Gen.OneOf(Gen.Byte.Array[0, 20], LongText) : Gen.Byte.Array[0, 20], Gen.Bool, (kind, number, text, huffman) =>
        {
            var bytes = new List<byte>();
            switch (kind)
            {
                case 0:
                    HpackDecoder.WriteInteger(bytes, number, 7, 0x80);
                    break;
                case 1:
                    HpackDecoder.WriteInteger(bytes, number, 5, 0x20);
                    break;
                case 5:
                    bytes.AddRange(Enumerable.Repeat((byte)(0xbe + (number % 2)), 1 + (number % 2000)));
                    break;
                default:
                    HpackDecoder.WriteInteger(bytes, number % 70, kind == 2 ? 6 : 4, kind == 2 ? (byte)0x40 : (byte)0x00);
                    HpackDecoder.WriteInteger(bytes, text.Length, 7, huffman ? (byte)0x80 : (byte)0x00);
                    bytes.AddRange(text);
                    break;
            }

            return bytes.ToArray();
        }).Array[1, 8].Select(parts => parts.SelectMany(part => part).ToArray());

    /// <summary>One header field as the generator chose it: how to represent it, and the strings if it is a literal.</summary>
    /// <param name="Kind">0: indexed from the static table; 1: indexed from the dynamic table; 2–4: a literal without indexing, never indexed, with incremental indexing.</param>
    /// <param name="Index">Which entry (taken modulo the table's length); for a literal, an even value names it by a static index.</param>
    private sealed record FieldChoice(int Kind, int Index, byte[] Name, byte[] Value, bool HuffmanName, bool HuffmanValue);

    /// <param name="SizeUpdate">A table size update at the block's start (−1: none).</param>
    private sealed record BlockChoice(FieldChoice[] Fields, int SizeUpdate, int Continuations, bool Padded, bool Priority, bool DataAfter);

    /// <summary>An encoder with its own model of the dynamic table (RFC 7541 §4): the oracle for what the decoder must return.</summary>
    private sealed class ModelEncoder
    {
        private readonly List<(byte[] Name, byte[] Value)> _table = [];
        private int _maxSize = 4096;

        public int TableSize => _table.Sum(e => e.Name.Length + e.Value.Length + 32);

        public (byte[] Block, List<string> Fields) Encode(BlockChoice block)
        {
            var bytes = new List<byte>();
            var fields = new List<string>();
            if (block.SizeUpdate >= 0)
            {
                HpackDecoder.WriteInteger(bytes, block.SizeUpdate, 5, 0x20);
                _maxSize = block.SizeUpdate;
                Evict(0);
            }

            foreach (var field in block.Fields)
            {
                (byte[] Name, byte[] Value) entry;
                if (field.Kind == 0 || (field.Kind == 1 && _table.Count > 0))
                {
                    int index = field.Kind == 0 ? 1 + (field.Index % HpackDecoder.StaticTableLength) : HpackDecoder.StaticTableLength + 1 + (field.Index % _table.Count);
                    entry = index <= HpackDecoder.StaticTableLength ? HpackDecoder.StaticEntry(index) : _table[index - HpackDecoder.StaticTableLength - 1];
                    HpackDecoder.WriteInteger(bytes, index, 7, 0x80);
                }
                else
                {
                    // Kind 1 with an empty table falls back to a literal that indexes.
                    var (prefixBits, flags) = field.Kind switch { 2 => (4, (byte)0x00), 3 => (4, (byte)0x10), _ => (6, (byte)0x40) };
                    int nameIndex = field.Index % 2 == 0 ? 1 + (field.Index / 2 % HpackDecoder.StaticTableLength) : 0;
                    entry = (nameIndex > 0 ? HpackDecoder.StaticEntry(nameIndex).Name : field.Name, field.Value);
                    HpackDecoder.WriteInteger(bytes, nameIndex, prefixBits, flags);
                    if (nameIndex == 0)
                    {
                        WriteString(bytes, field.Name, field.HuffmanName);
                    }

                    WriteString(bytes, field.Value, field.HuffmanValue);
                    if (prefixBits == 6)
                    {
                        Add(entry);
                    }
                }

                fields.Add(Convert.ToHexString(entry.Name) + ":" + Convert.ToHexString(entry.Value));
            }

            return ([.. bytes], fields);
        }

        private static void WriteString(List<byte> bytes, byte[] text, bool huffman)
        {
            byte[] encoded = huffman ? HpackDecoderTests.HuffmanEncode(text) : text;
            HpackDecoder.WriteInteger(bytes, encoded.Length, 7, huffman ? (byte)0x80 : (byte)0x00);
            bytes.AddRange(encoded);
        }

        private void Add((byte[] Name, byte[] Value) entry)
        {
            int size = entry.Name.Length + entry.Value.Length + 32;
            Evict(size);
            if (size <= _maxSize)
            {
                _table.Insert(0, entry);
            }
        }

        private void Evict(int room)
        {
            while (_table.Count > 0 && TableSize + room > _maxSize)
            {
                _table.RemoveAt(_table.Count - 1);
            }
        }
    }

    /// <summary>Counts a header list's size as RFC 9113 §6.5.2 does.</summary>
    private sealed class ListSize : IHeaderSink
    {
        public long Size { get; private set; }

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Size += name.Length + value.Length + 32;
    }

    private sealed class Fields : IHeaderSink
    {
        public List<string> List { get; } = [];

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => List.Add(Convert.ToHexString(name) + ":" + Convert.ToHexString(value));
    }
}
