using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.Json;

/// <summary>
/// Hand-rolled UTF-8 JSON scanner: structure by hand, numbers through <see cref="NumberParser"/>. Every failure is
/// a <see cref="WireFormatException"/> that says what was expected and at which byte.
/// </summary>
internal ref struct JsonInput
{
    /// <summary>Deepest nesting any reader accepts (Triton's limit); deeper input is rejected, never recursed into.</summary>
    public const int MaxDepth = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _json;
    private int _pos;

    public JsonInput(ReadOnlySpan<byte> json)
    {
        _json = json;
    }

    public int Position
    {
        readonly get => _pos;
        set => _pos = value;
    }

    /// <summary>The next significant byte (0 at the end).</summary>
    public byte Peek()
    {
        SkipWhitespace();
        return _pos < _json.Length ? _json[_pos] : (byte)0;
    }

    /// <summary>The next significant byte; the end of input is an error.</summary>
    public byte PeekRequired()
    {
        SkipWhitespace();
        if (_pos >= _json.Length)
        {
            throw Error("unexpected end of JSON");
        }

        return _json[_pos];
    }

    public void Expect(byte c)
    {
        if (PeekRequired() != c)
        {
            throw Error($"expected '{(char)c}', found {Describe()}");
        }

        _pos++;
    }

    public bool TryConsume(byte c)
    {
        if (Peek() == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>After a top-level value: only whitespace may follow.</summary>
    public void ExpectEnd()
    {
        if (Peek() != 0 || _pos < _json.Length)
        {
            throw Error($"unexpected {Describe()} after the JSON value");
        }
    }

    /// <summary>Starts an object's member loop: true when the object has members (the caller then reads names).</summary>
    public bool BeginObject()
    {
        Expect((byte)'{');
        return !TryConsume((byte)'}');
    }

    /// <summary>After a member: true if another follows; false once the object is closed.</summary>
    public bool NextMember()
    {
        if (TryConsume((byte)','))
        {
            return true;
        }

        Expect((byte)'}');
        return false;
    }

    public bool BeginArray()
    {
        Expect((byte)'[');
        return !TryConsume((byte)']');
    }

    public bool NextElement()
    {
        if (TryConsume((byte)','))
        {
            return true;
        }

        Expect((byte)']');
        return false;
    }

    /// <summary>Reads a member name and its colon; the name's raw bytes (escapes not undone; names here have none).</summary>
    public ReadOnlySpan<byte> ReadName()
    {
        var raw = ReadStringRaw(out _);
        Expect((byte)':');
        return raw;
    }

    /// <summary>Reads a string token; the raw bytes between the quotes, and whether they hold escapes.</summary>
    public ReadOnlySpan<byte> ReadStringRaw(out bool escaped)
    {
        if (PeekRequired() != '"')
        {
            throw Error($"expected a string, found {Describe()}");
        }

        int start = ++_pos;
        escaped = false;
        var rest = _json[start..];
        while (true)
        {
            int i = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (i < 0)
            {
                _pos = _json.Length;
                throw Error("unterminated string");
            }

            if (rest[i] == '"')
            {
                _pos = _json.Length - rest.Length + i;
                var raw = _json[start.._pos];
                _pos++;
                if (raw.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
                {
                    throw Error("control character inside a string");
                }

                return raw;
            }

            escaped = true;
            if (i + 1 >= rest.Length)
            {
                _pos = _json.Length;
                throw Error("unterminated string");
            }

            rest = rest[(i + 2)..];
        }
    }

    /// <summary>Reads a string as .NET text (names, ids, datatypes).</summary>
    public string ReadString()
    {
        var raw = ReadStringRaw(out bool escaped);
        if (!escaped)
        {
            return Decode(raw);
        }

        var buffer = new ArrayBufferWriter<byte>(raw.Length);
        Unescape(raw, buffer);
        return Decode(buffer.WrittenSpan);
    }

    /// <summary>Reads a string's UTF-8 bytes, escapes undone, appending them to <paramref name="destination"/>.</summary>
    public void ReadStringBytes(IBufferWriter<byte> destination)
    {
        var raw = ReadStringRaw(out bool escaped);
        if (escaped)
        {
            Unescape(raw, destination);
        }
        else
        {
            destination.Write(raw);
        }
    }

    public bool ReadBool()
    {
        byte c = PeekRequired();
        if (c == 't' && _json[_pos..].StartsWith("true"u8))
        {
            _pos += 4;
            CheckDelimiter();
            return true;
        }

        if (c == 'f' && _json[_pos..].StartsWith("false"u8))
        {
            _pos += 5;
            CheckDelimiter();
            return false;
        }

        throw Error($"expected true or false, found {Describe()}");
    }

    /// <summary>A number as float32; <paramref name="allowNonFinite"/> admits the bare NaN / Infinity / -Infinity tokens.</summary>
    /// <remarks><paramref name="rejectLossyIntegers"/>: TF Serving refuses integer literals above 2^24 − 1 for floats.</remarks>
    public float ReadSingle(bool allowNonFinite, bool rejectLossyIntegers = false)
    {
        CheckNumberStart(allowNonFinite);
        if (!NumberParser.TryParseSingle(_json[_pos..], out float value, out int consumed) || consumed <= 0)
        {
            throw Error($"expected a number, found {Describe()}");
        }

        CheckRange(float.IsFinite(value), "float32");
        if (rejectLossyIntegers && Math.Abs(value) > 16777215f)
        {
            CheckLossless(consumed, "float");
        }

        _pos += consumed;
        CheckDelimiter();
        return value;
    }

    /// <summary>
    /// Reads array elements into <paramref name="destination"/> for as long as each is a finite number right at the
    /// cursor followed directly by ',' or ']' (what every writer of tensors produces), the hot loop of every JSON
    /// decode. Stops with the cursor on the first element it does not take (whitespace, a nested list, NaN or
    /// Infinity, a lossy integer, an error: the caller reads it the general way, with the general checks), after a
    /// closing ']' (<paramref name="ended"/>), or when <paramref name="destination"/> is full.
    /// </summary>
    public int ReadSinglesFast(Span<float> destination, bool rejectLossyIntegers, out bool ended)
    {
        ended = false;
        var json = _json;
        int pos = _pos;
        int count = 0;
        while (count < destination.Length && (uint)pos < (uint)json.Length)
        {
            // Whole windows first; one element at a time where a window stops (a row's end, another form).
            count += ReadShortFractionWindows(json, ref pos, destination[count..]);
            if (count == destination.Length)
            {
                break;
            }

            float value;
            int consumed;
            if (json.Length - pos < NumberParser.ShortFractionReach || !NumberParser.TryParseShortFraction(json[pos..], out value, out consumed))
            {
                byte first = json[pos];
                if (((uint)(first - '0') > 9 && first != '-') || !NumberParser.TryParseSingle(json[pos..], out value, out consumed))
                {
                    break;
                }
            }

            int next = pos + consumed;
            if ((uint)next >= (uint)json.Length || !float.IsFinite(value) || (rejectLossyIntegers && Math.Abs(value) > 16777215f))
            {
                break;
            }

            byte delimiter = json[next];
            if (delimiter != ',' && delimiter != ']')
            {
                break;
            }

            destination[count++] = value;
            pos = next + 1;
            if (delimiter == ']')
            {
                ended = true;
                break;
            }
        }

        _pos = pos;
        return count;
    }

    // Bytes one window covers, and the most elements one window can hold (each is at least a digit and a comma).
    private const int WindowBytes = 64;
    private const int WindowElements = WindowBytes / 2;

    /// <summary>
    /// The bulk of <see cref="ReadSinglesFast"/>: 64 bytes at a time, the positions of their commas and digits found
    /// with four 16-byte compares, and each element ending at one of those commas read in
    /// <see cref="NumberParser.TryParseShortFraction(ref byte, int, ulong, out float)"/>'s short form. The step from
    /// one element to the next is then a bit scan over the comma mask, so neighbouring elements are read side by
    /// side, not each after the previous one's end is found. Stops, with the cursor on it, at the first element that
    /// is not in the short form or not followed by a comma (a row's last element, whitespace, anything else), and
    /// when fewer than a window's bytes or elements are left.
    /// </summary>
    private static int ReadShortFractionWindows(ReadOnlySpan<byte> json, ref int pos, Span<float> destination)
    {
        int count = 0;
        while (destination.Length - count >= WindowElements && json.Length - pos >= WindowBytes + NumberParser.ShortFractionReach)
        {
            ref byte window = ref Unsafe.Add(ref MemoryMarshal.GetReference(json), pos);
            ulong commas = WindowCommas(ref window, out ulong digits);

            int start = 0;
            while (commas != 0)
            {
                int end = BitOperations.TrailingZeroCount(commas);
                commas &= commas - 1;
                if (!NumberParser.TryParseShortFraction(ref Unsafe.Add(ref window, start), end - start, digits >> start, out float value))
                {
                    pos += start;
                    return count;
                }

                destination[count++] = value;
                start = end + 1;
            }

            if (start == 0)
            {
                break; // no comma in 64 bytes: not a run of short elements
            }

            pos += start;
        }

        return count;
    }

    // Bit i set where window byte i is a comma (returned) or a digit (digits): one 64-byte compare each where the
    // CPU has AVX-512, else four of 16 bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WindowCommas(ref byte window, out ulong digits)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var bytes = Vector512.LoadUnsafe(ref window);
            digits = Vector512.LessThan(bytes - Vector512.Create((byte)'0'), Vector512.Create((byte)10)).ExtractMostSignificantBits();
            return Vector512.Equals(bytes, Vector512.Create((byte)',')).ExtractMostSignificantBits();
        }

        ulong commas = 0;
        digits = 0;
        for (int part = 0; part < WindowBytes / 16; part++)
        {
            var bytes = Vector128.LoadUnsafe(ref window, (nuint)(part * 16));
            commas |= (ulong)Vector128.Equals(bytes, Vector128.Create((byte)',')).ExtractMostSignificantBits() << (part * 16);
            digits |= (ulong)Vector128.LessThan(bytes - Vector128.Create((byte)'0'), Vector128.Create((byte)10)).ExtractMostSignificantBits() << (part * 16);
        }

        return commas;
    }

    public double ReadDouble(bool allowNonFinite, bool rejectLossyIntegers = false)
    {
        CheckNumberStart(allowNonFinite);
        if (!NumberParser.TryParseDouble(_json[_pos..], out double value, out int consumed) || consumed <= 0)
        {
            throw Error($"expected a number, found {Describe()}");
        }

        CheckRange(double.IsFinite(value), "float64");
        if (rejectLossyIntegers && Math.Abs(value) > 9007199254740991d)
        {
            CheckLossless(consumed, "double");
        }

        _pos += consumed;
        CheckDelimiter();
        return value;
    }

    /// <summary>A JSON integer (no fraction, no exponent) within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long ReadInt64(long min = long.MinValue, long max = long.MaxValue)
    {
        byte c = PeekRequired();
        bool negative = c == '-';
        ulong magnitude = ReadMagnitude(negative ? 1 : 0);
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1 || -(decimal)magnitude < min)
            {
                throw Error($"integer -{magnitude} is out of range");
            }

            return magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
        }

        if (magnitude > (ulong)max)
        {
            throw Error($"integer {magnitude} is out of range");
        }

        return (long)magnitude;
    }

    public ulong ReadUInt64(ulong max = ulong.MaxValue)
    {
        if (PeekRequired() == '-')
        {
            throw Error("negative value for an unsigned integer");
        }

        ulong value = ReadMagnitude(0);
        if (value > max)
        {
            throw Error($"integer {value} is out of range");
        }

        return value;
    }

    /// <summary>Skips one value of any kind, refusing nesting deeper than <see cref="MaxDepth"/>.</summary>
    public void SkipValue(int depth = 0)
    {
        if (depth >= MaxDepth)
        {
            throw Error($"JSON nested deeper than {MaxDepth} levels");
        }

        switch (PeekRequired())
        {
            case (byte)'{':
                if (BeginObject())
                {
                    do
                    {
                        ReadName();
                        SkipValue(depth + 1);
                    }
                    while (NextMember());
                }

                break;
            case (byte)'[':
                if (BeginArray())
                {
                    do
                    {
                        SkipValue(depth + 1);
                    }
                    while (NextElement());
                }

                break;
            case (byte)'"':
                ReadStringRaw(out _);
                break;
            case (byte)'t' or (byte)'f':
                ReadBool();
                break;
            case (byte)'n':
                if (!_json[_pos..].StartsWith("null"u8))
                {
                    throw Error($"unexpected {Describe()}");
                }

                _pos += 4;
                CheckDelimiter();
                break;
            default:
                ReadDouble(allowNonFinite: true);
                break;
        }
    }

    public readonly WireFormatException Error(string message) => new($"invalid JSON: {message} at byte {_pos}");

    /// <summary>Names the token at the cursor for error messages.</summary>
    public readonly string Describe()
    {
        int pos = _pos;
        while (pos < _json.Length && _json[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            pos++;
        }

        if (pos >= _json.Length)
        {
            return "the end of input";
        }

        return _json[pos] switch
        {
            (byte)'{' => "an object",
            (byte)'[' => "an array",
            (byte)'"' => "a string",
            (byte)'t' or (byte)'f' => "a boolean",
            (byte)'n' => "null",
            (byte)'-' or (>= (byte)'0' and <= (byte)'9') => "a number",
            var b => $"byte 0x{b:X2}",
        };
    }

    private ulong ReadMagnitude(int skip)
    {
        _pos += skip;
        int start = _pos;
        ulong value = 0;
        while (_pos < _json.Length && (uint)(_json[_pos] - '0') <= 9)
        {
            uint digit = (uint)(_json[_pos] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                throw Error("integer is out of range");
            }

            value = (value * 10) + digit;
            _pos++;
        }

        int digits = _pos - start;
        if (digits == 0)
        {
            _pos = start - skip;
            throw Error($"expected an integer, found {Describe()}");
        }

        if (digits > 1 && _json[start] == '0')
        {
            throw Error("leading zero in a number");
        }

        if (_pos < _json.Length && _json[_pos] is (byte)'.' or (byte)'e' or (byte)'E')
        {
            throw Error("expected an integer, found a number with a fraction or exponent");
        }

        CheckDelimiter();
        return value;
    }

    // json_tensor.cc IsLosslessDecimal: an integer token must fit the float's mantissa exactly.
    private readonly void CheckLossless(int length, string type)
    {
        var token = _json.Slice(_pos, length);
        if (token.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && token.IndexOfAny((byte)'N', (byte)'I') < 0)
        {
            throw Error($"cannot convert JSON value {System.Text.Encoding.ASCII.GetString(token)} to {type} without loss of precision");
        }
    }

    // Digits that overflow to infinity are an error (rapidjson: "Number too big"); only the bare tokens mean infinity.
    private readonly void CheckRange(bool finite, string type)
    {
        if (finite)
        {
            return;
        }

        byte first = _json[_pos] == '-' && _pos + 1 < _json.Length ? _json[_pos + 1] : _json[_pos];
        if ((uint)(first - '0') <= 9)
        {
            throw Error($"number is out of range for {type}");
        }
    }

    private void CheckNumberStart(bool allowNonFinite)
    {
        byte c = PeekRequired();
        if (c == '-' || (uint)(c - '0') <= 9)
        {
            return;
        }

        if (allowNonFinite && (c == 'N' || c == 'I'))
        {
            return;
        }

        throw Error($"expected a number, found {Describe()}");
    }

    private readonly void CheckDelimiter()
    {
        if (_pos < _json.Length && _json[_pos] is not ((byte)',' or (byte)']' or (byte)'}' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
        {
            throw Error($"unexpected byte 0x{_json[_pos]:X2} after a value");
        }
    }

    private void SkipWhitespace()
    {
        while (_pos < _json.Length && _json[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _pos++;
        }
    }

    private readonly string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WireFormatException($"invalid JSON: string is not valid UTF-8 before byte {_pos}", ex);
        }
    }

    private readonly void Unescape(ReadOnlySpan<byte> raw, IBufferWriter<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[4];
        while (!raw.IsEmpty)
        {
            int i = raw.IndexOf((byte)'\\');
            if (i < 0)
            {
                destination.Write(raw);
                return;
            }

            destination.Write(raw[..i]);
            byte kind = raw[i + 1];
            raw = raw[(i + 2)..];
            byte simple = kind switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'/' => (byte)'/',
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                (byte)'u' => 0,
                _ => throw Error($"invalid escape '\\{(char)kind}' in a string"),
            };
            if (kind != 'u')
            {
                destination.Write([simple]);
                continue;
            }

            int code = ReadHex4(ref raw);
            if (char.IsHighSurrogate((char)code) && raw.Length >= 6 && raw[0] == '\\' && raw[1] == 'u')
            {
                var after = raw[2..];
                int low = ReadHex4(ref after);
                if (char.IsLowSurrogate((char)low))
                {
                    code = char.ConvertToUtf32((char)code, (char)low);
                    raw = after;
                }
            }

            if (!Rune.TryCreate(code, out var rune))
            {
                throw Error($"escape \\u{code:x4} is a lone surrogate");
            }

            int n = rune.EncodeToUtf8(utf8);
            destination.Write(utf8[..n]);
        }
    }

    private readonly int ReadHex4(ref ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 4)
        {
            throw Error("truncated \\u escape in a string");
        }

        int code = 0;
        for (int i = 0; i < 4; i++)
        {
            int digit = raw[i] switch
            {
                >= (byte)'0' and <= (byte)'9' => raw[i] - '0',
                >= (byte)'a' and <= (byte)'f' => raw[i] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => raw[i] - 'A' + 10,
                _ => throw Error("invalid hex digit in a \\u escape"),
            };
            code = (code << 4) | digit;
        }

        raw = raw[4..];
        return code;
    }
}
