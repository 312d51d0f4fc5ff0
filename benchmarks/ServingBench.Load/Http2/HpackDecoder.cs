using System.Text;

namespace ServingBench.Load.Http2;

/// <summary>Receives the fields of one header block as they are decoded; the spans are valid during the call only.</summary>
internal interface IHeaderSink
{
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}

/// <summary>
/// An HPACK decoder (RFC 7541): the static table, a dynamic table shared by every header block of one connection,
/// and Huffman-coded strings. One per connection, used by its reader only.
/// </summary>
/// <remarks>
/// Every block a connection receives must pass through it, in order, even for a stream the client has given up on:
/// the server's encoder adds entries as it goes, and a skipped block would leave later indices pointing elsewhere.
/// Fields are handed out as spans over the block, the table or a scratch buffer, so a response that only indexes
/// (Kestrel's, after the first) decodes without allocating.
/// </remarks>
internal sealed class HpackDecoder
{
    /// <summary>RFC 7541 Appendix A, index 1–61.</summary>
    private static readonly (byte[] Name, byte[] Value)[] StaticTable = BuildStaticTable(
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
        ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
        ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
        ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
        ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
        ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ]);

    /// <summary>An entry's size counts its name, its value and 32 bytes of overhead (RFC 7541 §4.1).</summary>
    private const int EntryOverhead = 32;

    // The dynamic table, newest entry first (HPACK index 62 is the newest).
    private readonly List<(byte[] Name, byte[] Value)> _dynamic = [];
    private readonly int _maxTableSizeLimit;
    private readonly int _maxHeaderListSize;
    private int _maxTableSize;
    private int _tableSize;
    private byte[] _nameScratch = new byte[256];
    private byte[] _valueScratch = new byte[256];

    /// <param name="maxTableSize">The SETTINGS_HEADER_TABLE_SIZE this side advertised (4,096 unless it says otherwise).</param>
    /// <param name="maxHeaderListSize">
    /// The most one block may decode to, by RFC 9113 §6.5.2's count (name + value + 32 per field). Without it a block
    /// of one-byte references to a 4 KB table entry decodes to 4,000 times its size.
    /// </param>
    public HpackDecoder(int maxTableSize = 4096, int maxHeaderListSize = 64 * 1024)
    {
        _maxTableSizeLimit = maxTableSize;
        _maxTableSize = maxTableSize;
        _maxHeaderListSize = maxHeaderListSize;
    }

    /// <summary>Entries in the static table (RFC 7541 Appendix A).</summary>
    internal static int StaticTableLength => StaticTable.Length;

    /// <summary>The static table's entry <paramref name="index"/>, 1-based as HPACK counts (for tests' encoders).</summary>
    internal static (byte[] Name, byte[] Value) StaticEntry(int index) => StaticTable[index - 1];

    /// <summary>The dynamic table's size by RFC 7541's count (for tests).</summary>
    public int DynamicTableSize => _tableSize;

    /// <summary>Entries in the dynamic table (for tests).</summary>
    public int DynamicTableCount => _dynamic.Count;

    /// <summary>Decodes one complete header block (HEADERS plus its CONTINUATION fragments).</summary>
    /// <exception cref="Http2ProtocolException">
    /// The block is malformed, or decodes to more than the header list may hold: a compression error, fatal to the
    /// connection (the table may now differ from the server's).
    /// </exception>
    public void Decode(ReadOnlySpan<byte> block, IHeaderSink sink)
    {
        int position = 0;
        long listSize = 0;
        bool fieldSeen = false;
        while (position < block.Length)
        {
            byte first = block[position];
            if ((first & 0xE0) == 0x20)
            {
                // Dynamic table size update (§6.3): at most what this side advertised, and only before the block's
                // first field (§4.2), so that a block cannot shrink the table under references it has yet to make.
                if (fieldSeen)
                {
                    throw CompressionError("a dynamic table size update after a header field (RFC 7541 §4.2 allows one only at the start of a block)");
                }

                int size = ReadInteger(block, ref position, 5);
                if (size > _maxTableSizeLimit)
                {
                    throw CompressionError($"a table size update to {size} bytes exceeds the {_maxTableSizeLimit} advertised");
                }

                _maxTableSize = size;
                Evict(0);
                continue;
            }

            fieldSeen = true;
            ReadOnlySpan<byte> name;
            ReadOnlySpan<byte> value;
            if ((first & 0x80) != 0)
            {
                // Indexed field (§6.1).
                var entry = Entry(ReadInteger(block, ref position, 7));
                name = entry.Name;
                value = entry.Value;
            }
            else if ((first & 0xC0) == 0x40)
            {
                // Literal with incremental indexing (§6.2.1): the field joins the dynamic table.
                ReadLiteral(block, ref position, 6, out name, out value);
                byte[] nameCopy = name.ToArray();
                byte[] valueCopy = value.ToArray();
                Add(nameCopy, valueCopy);
                name = nameCopy;
                value = valueCopy;
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001) (§6.2.2, §6.2.3).
                ReadLiteral(block, ref position, 4, out name, out value);
            }

            listSize += name.Length + value.Length + EntryOverhead;
            if (listSize > _maxHeaderListSize)
            {
                throw CompressionError($"the header list decodes to more than {_maxHeaderListSize} bytes");
            }

            sink.OnHeader(name, value);
        }
    }

    private void ReadLiteral(ReadOnlySpan<byte> block, scoped ref int position, int prefixBits, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        int nameIndex = ReadInteger(block, ref position, prefixBits);
        name = nameIndex == 0 ? ReadString(block, ref position, ref _nameScratch) : Entry(nameIndex).Name;
        value = ReadString(block, ref position, ref _valueScratch);
    }

    private (byte[] Name, byte[] Value) Entry(int index)
    {
        if (index >= 1 && index <= StaticTable.Length)
        {
            return StaticTable[index - 1];
        }

        int dynamicIndex = index - StaticTable.Length - 1;
        if (index < 1 || dynamicIndex >= _dynamic.Count)
        {
            throw CompressionError($"index {index} is outside the static and dynamic tables ({StaticTable.Length} + {_dynamic.Count} entries)");
        }

        return _dynamic[dynamicIndex];
    }

    private void Add(byte[] name, byte[] value)
    {
        int size = name.Length + value.Length + EntryOverhead;

        // An entry larger than the table empties it and is not added (§4.4).
        Evict(size);
        if (size <= _maxTableSize)
        {
            _dynamic.Insert(0, (name, value));
            _tableSize += size;
        }
    }

    /// <summary>Drops the oldest entries until <paramref name="room"/> more bytes fit.</summary>
    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _tableSize + room > _maxTableSize)
        {
            var (name, value) = _dynamic[^1];
            _tableSize -= name.Length + value.Length + EntryOverhead;
            _dynamic.RemoveAt(_dynamic.Count - 1);
        }
    }

    /// <summary>A string literal (§5.2): a length with the Huffman flag, then the raw or Huffman-coded bytes.</summary>
    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, scoped ref int position, ref byte[] scratch)
    {
        if (position >= block.Length)
        {
            throw CompressionError("the block ends before a string");
        }

        bool huffman = (block[position] & 0x80) != 0;
        int length = ReadInteger(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw CompressionError($"a {length}-byte string runs past the end of the block");
        }

        var encoded = block.Slice(position, length);
        position += length;
        if (!huffman)
        {
            return encoded;
        }

        int most = HpackHuffman.MaxDecodedLength(length);
        if (scratch.Length < most)
        {
            scratch = new byte[Math.Max(most, scratch.Length * 2)];
        }

        return scratch.AsSpan(0, HpackHuffman.Decode(encoded, scratch));
    }

    /// <summary>An integer with an N-bit prefix (§5.1); values past int.MaxValue are refused.</summary>
    internal static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        if (position >= block.Length)
        {
            throw CompressionError("the block ends before an integer");
        }

        int mask = (1 << prefixBits) - 1;
        int value = block[position++] & mask;
        if (value < mask)
        {
            return value;
        }

        for (int shift = 0; ; shift += 7)
        {
            if (position >= block.Length)
            {
                throw CompressionError("the block ends inside an integer");
            }

            byte octet = block[position++];
            long next = value + ((long)(octet & 0x7F) << shift);
            if (shift > 28 || next > int.MaxValue)
            {
                throw CompressionError("an integer exceeds 2^31 - 1");
            }

            value = (int)next;
            if ((octet & 0x80) == 0)
            {
                return value;
            }
        }
    }

    /// <summary>Writes an integer with an N-bit prefix, the prefix's other bits taken from <paramref name="flags"/>.</summary>
    internal static void WriteInteger(List<byte> destination, int value, int prefixBits, byte flags)
    {
        int mask = (1 << prefixBits) - 1;
        if (value < mask)
        {
            destination.Add((byte)(flags | value));
            return;
        }

        destination.Add((byte)(flags | mask));
        value -= mask;
        while (value >= 0x80)
        {
            destination.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }

        destination.Add((byte)value);
    }

    internal static Http2ProtocolException CompressionError(string problem) => new(Http2ErrorCode.CompressionError, "HPACK: " + problem);

    private static (byte[] Name, byte[] Value)[] BuildStaticTable((string Name, string Value)[] entries) =>
        [.. entries.Select(e => (Encoding.ASCII.GetBytes(e.Name), Encoding.ASCII.GetBytes(e.Value)))];
}
