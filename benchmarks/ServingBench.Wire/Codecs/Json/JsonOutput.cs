using System.Buffers.Text;
using System.Text;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.Json;

/// <summary>
/// Hand-rolled UTF-8 JSON output straight into an <see cref="IBufferWriter{T}"/>: numbers are formatted in place,
/// so writing a tensor allocates nothing per element. Call <see cref="Flush"/> once at the end.
/// </summary>
internal ref struct JsonOutput
{
    private const int ChunkSize = 16 * 1024;

    private readonly IBufferWriter<byte> _writer;
    private Span<byte> _span;
    private int _pos;
    private long _committed;

    public JsonOutput(IBufferWriter<byte> writer)
    {
        _writer = writer;
        _span = writer.GetSpan(ChunkSize);
    }

    /// <summary>Bytes written so far, flushed or not.</summary>
    public readonly long Position => _committed + _pos;

    public void Flush()
    {
        _writer.Advance(_pos);
        _committed += _pos;
        _pos = 0;
        _span = default;
    }

    public void Byte(byte value)
    {
        if (_pos >= _span.Length)
        {
            Grow(1);
        }

        _span[_pos++] = value;
    }

    public void Raw(scoped ReadOnlySpan<byte> utf8)
    {
        if (_span.Length - _pos < utf8.Length)
        {
            Grow(utf8.Length);
        }

        utf8.CopyTo(_span[_pos..]);
        _pos += utf8.Length;
    }

    /// <summary>Copies raw binary data, in chunks, so that a large tensor does not need one huge span.</summary>
    public void Binary(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_pos >= _span.Length)
            {
                Grow(Math.Min(data.Length, 1 << 20));
            }

            int n = Math.Min(data.Length, _span.Length - _pos);
            BulkCopy.Copy(data[..n], _span[_pos..]);
            _pos += n;
            data = data[n..];
        }
    }

    public void Spaces(int count)
    {
        if (_span.Length - _pos < count)
        {
            Grow(count);
        }

        _span.Slice(_pos, count).Fill((byte)' ');
        _pos += count;
    }

    public void Single(float value, NumberStyle style)
    {
        Reserve(NumberFormatter.MaxLength);
        _pos += NumberFormatter.WriteSingle(value, style, _span[_pos..]);
    }

    /// <summary>float32 values with <paramref name="separator"/> between them: the hot loop of every JSON request.</summary>
    public void Singles(ReadOnlySpan<float> values, scoped ReadOnlySpan<byte> separator, NumberStyle style, bool allowNonFinite)
    {
        if (!allowNonFinite && ContainsNonFinite(values))
        {
            throw new WireFormatException("NaN and Infinity cannot be carried in this JSON; use a binary encoding");
        }

        int room = NumberFormatter.MaxLength + separator.Length;
        int done = 0;
        while (done < values.Length)
        {
            if (_span.Length - _pos < room)
            {
                Grow(room);
            }

            done += NumberFormatter.WriteSingles(values[done..], separator, separateFirst: done > 0, style, _span[_pos..], out int written);
            _pos += written;
        }
    }

    public void Double(double value, NumberStyle style)
    {
        Reserve(NumberFormatter.MaxLength);
        _pos += NumberFormatter.WriteDouble(value, style, _span[_pos..]);
    }

    public void Int64(long value)
    {
        Reserve(24);
        Utf8Formatter.TryFormat(value, _span[_pos..], out int written);
        _pos += written;
    }

    public void UInt64(ulong value)
    {
        Reserve(24);
        Utf8Formatter.TryFormat(value, _span[_pos..], out int written);
        _pos += written;
    }

    public void Bool(bool value) => Raw(value ? "true"u8 : "false"u8);

    /// <summary>A JSON string of a .NET string (names, ids).</summary>
    public void String(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> utf8 = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(value, utf8);
            String(utf8[..n], asciiOnly: false);
        }
        else
        {
            String(Encoding.UTF8.GetBytes(value), asciiOnly: false);
        }
    }

    /// <summary>
    /// A JSON string of UTF-8 bytes, escaping quotes, backslashes and control characters (as rapidjson does);
    /// <paramref name="asciiOnly"/> also escapes non-ASCII as \uXXXX (Python's json.dumps ensure_ascii).
    /// </summary>
    public void String(scoped ReadOnlySpan<byte> utf8, bool asciiOnly)
    {
        Byte((byte)'"');
        Span<char> utf16 = stackalloc char[2];
        int start = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b >= 0x20 && b != '"' && b != '\\' && (b < 0x80 || !asciiOnly))
            {
                continue;
            }

            Raw(utf8[start..i]);
            if (b >= 0x80)
            {
                if (Rune.DecodeFromUtf8(utf8[i..], out var rune, out int consumed) != OperationStatus.Done)
                {
                    throw new WireFormatException($"string is not valid UTF-8 at byte {i}");
                }

                int units = rune.EncodeToUtf16(utf16);
                for (int u = 0; u < units; u++)
                {
                    UnicodeEscape(utf16[u], upperCase: false);
                }

                i += consumed - 1;
            }
            else
            {
                switch (b)
                {
                    case (byte)'"': Raw("\\\""u8); break;
                    case (byte)'\\': Raw("\\\\"u8); break;
                    case (byte)'\n': Raw("\\n"u8); break;
                    case (byte)'\r': Raw("\\r"u8); break;
                    case (byte)'\t': Raw("\\t"u8); break;
                    case (byte)'\b': Raw("\\b"u8); break;
                    case (byte)'\f': Raw("\\f"u8); break;
                    default: UnicodeEscape((char)b, upperCase: !asciiOnly); break;
                }
            }

            start = i + 1;
        }

        Raw(utf8[start..]);
        Byte((byte)'"');
    }

    /// <summary>Base64 text (standard alphabet, padded) of <paramref name="data"/>, without quotes.</summary>
    public void Base64Text(scoped ReadOnlySpan<byte> data)
    {
        int length = System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(data.Length);
        Reserve(length);
        System.Buffers.Text.Base64.EncodeToUtf8(data, _span[_pos..], out _, out int written);
        _pos += written;
    }

    // rapidjson spells \u escapes in upper case, Python in lower case.
    private void UnicodeEscape(char c, bool upperCase)
    {
        Reserve(6);
        string hex = upperCase ? "0123456789ABCDEF" : "0123456789abcdef";
        _span[_pos++] = (byte)'\\';
        _span[_pos++] = (byte)'u';
        _span[_pos++] = (byte)hex[(c >> 12) & 0xF];
        _span[_pos++] = (byte)hex[(c >> 8) & 0xF];
        _span[_pos++] = (byte)hex[(c >> 4) & 0xF];
        _span[_pos++] = (byte)hex[c & 0xF];
    }

    // An exponent of all ones (NaN or ±Infinity), eight values per step.
    private static bool ContainsNonFinite(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var exponent = new System.Numerics.Vector<uint>(0x7F80_0000);
        int i = 0;
        for (; i + System.Numerics.Vector<uint>.Count <= bits.Length; i += System.Numerics.Vector<uint>.Count)
        {
            if (System.Numerics.Vector.EqualsAny(new System.Numerics.Vector<uint>(bits[i..]) & exponent, exponent))
            {
                return true;
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7F80_0000) == 0x7F80_0000)
            {
                return true;
            }
        }

        return false;
    }

    private void Reserve(int count)
    {
        if (_span.Length - _pos < count)
        {
            Grow(count);
        }
    }

    private void Grow(int needed)
    {
        _writer.Advance(_pos);
        _committed += _pos;
        _pos = 0;
        _span = _writer.GetSpan(Math.Max(needed, ChunkSize));
    }
}
