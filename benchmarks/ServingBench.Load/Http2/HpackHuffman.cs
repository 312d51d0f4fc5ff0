namespace ServingBench.Load.Http2;

/// <summary>
/// Decodes HPACK's Huffman-coded strings (RFC 7541 §5.2, code in Appendix B). Servers choose per string whether to
/// Huffman-code it; grpc's C++ core (Triton, TF Serving) does for most header values, so a client that reads
/// <c>grpc-status</c> from a real server must decode it.
/// </summary>
/// <remarks>
/// The Appendix B code is canonical: codes of one length are consecutive and ordered by symbol, and each length
/// starts where the previous one ended, shifted left. So the 257 code lengths below define every code; the tests
/// check a few of the published codes, that the code is complete, and the RFC's Huffman examples.
/// </remarks>
internal static class HpackHuffman
{
    /// <summary>End of string: never sent as a symbol; its leading bits pad the last byte.</summary>
    public const int EndOfString = 256;

    private const int MaxCodeLength = 30;

    /// <summary>Code length in bits of each symbol 0–255, then of <see cref="EndOfString"/> (RFC 7541 Appendix B).</summary>
    internal static readonly byte[] CodeLengths =
    [
        // 0–31: control bytes
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        // 32–63: ' ' ! " # $ % & ' ( ) * + , - . /  0–9 : ; < = > ?
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        // 64–95: @ A–Z [ \ ] ^ _
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        // 96–127: ` a–z { | } ~ DEL
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        // 128–255
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        // 256: end of string
        30,
    ];

    // Canonical decoding tables, per code length L: the first code of that length, how many codes have it, and
    // where its symbols start in SymbolsByCode (symbols ordered by length, then value).
    private static readonly uint[] FirstCode = new uint[MaxCodeLength + 1];
    private static readonly int[] CountOfLength = new int[MaxCodeLength + 1];
    private static readonly int[] FirstIndex = new int[MaxCodeLength + 1];
    private static readonly short[] SymbolsByCode = BuildTables();

    /// <summary>The code of <paramref name="symbol"/>, right-aligned in its length (for tests and the encoder in them).</summary>
    public static (uint Code, int Length) CodeOf(int symbol)
    {
        int length = CodeLengths[symbol];
        int rank = Array.IndexOf(SymbolsByCode, (short)symbol, FirstIndex[length], CountOfLength[length]);
        return (FirstCode[length] + (uint)(rank - FirstIndex[length]), length);
    }

    /// <summary>The upper bound of a decoded length: the shortest code is 5 bits.</summary>
    public static int MaxDecodedLength(int encodedLength) => (encodedLength * 8 / 5) + 1;

    /// <summary>Decodes <paramref name="encoded"/> into <paramref name="destination"/> and returns the byte count.</summary>
    /// <exception cref="Http2ProtocolException">A code that is not in the table, an end-of-string symbol, or padding that is not all ones or is 8 bits or more.</exception>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<byte> destination)
    {
        int written = 0;
        uint code = 0;
        int length = 0;
        foreach (byte octet in encoded)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | (uint)((octet >> bit) & 1);
                length++;
                uint offset = code - FirstCode[length];
                if (length >= 5 && code >= FirstCode[length] && offset < (uint)CountOfLength[length])
                {
                    int symbol = SymbolsByCode[FirstIndex[length] + (int)offset];
                    if (symbol == EndOfString)
                    {
                        throw HpackDecoder.CompressionError("a Huffman string contains the end-of-string symbol");
                    }

                    destination[written++] = (byte)symbol;
                    code = 0;
                    length = 0;
                }
                else if (length == MaxCodeLength)
                {
                    throw HpackDecoder.CompressionError("a Huffman string holds a code that is not in the table");
                }
            }
        }

        // Padding: fewer than 8 bits, all ones (the most significant bits of the end-of-string code).
        if (length >= 8 || code != (1u << length) - 1)
        {
            throw HpackDecoder.CompressionError("a Huffman string ends with invalid padding");
        }

        return written;
    }

    private static short[] BuildTables()
    {
        var symbols = new short[CodeLengths.Length];
        int next = 0;
        uint code = 0;
        for (int length = 1; length <= MaxCodeLength; length++)
        {
            code <<= 1;
            FirstCode[length] = code;
            FirstIndex[length] = next;
            for (int symbol = 0; symbol < CodeLengths.Length; symbol++)
            {
                if (CodeLengths[symbol] == length)
                {
                    symbols[next++] = (short)symbol;
                    code++;
                }
            }

            CountOfLength[length] = next - FirstIndex[length];
        }

        return symbols;
    }
}
