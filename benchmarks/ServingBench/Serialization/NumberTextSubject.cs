using System.Buffers.Text;
using csFastFloat;
using ServingBench.Wire.Text;

namespace ServingBench.Serialization;

/// <summary>Whose number text: the BCL's <c>TryFormat</c>/<c>Parse</c>, its Utf8Formatter/Utf8Parser, csFastFloat (parsing only), or ours.</summary>
public enum NumberTextLibrary
{
    Bcl,
    Utf8FormatterParser,
    CsFastFloat,
    Ours,
}

/// <summary>
/// One <see cref="NumberTextCase"/> written and read by each library, producing the same text and the same values:
/// the control rows for the hand-written number text (<see cref="NumberFormatter"/>, <see cref="NumberParser"/>).
/// Token boundaries and buffers are prepared here, so the measured calls only format or parse.
/// </summary>
public sealed class NumberTextSubject
{
    private readonly NumberTextCase _case;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private readonly byte[] _text;
    private readonly float[] _parsed;

    public NumberTextSubject(NumberTextCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        _case = @case;
        int count = @case.Values.Length;
        _text = new byte[TextCapacity(count)];
        _parsed = new float[count];
        _starts = new int[count];
        _lengths = new int[count];
        var text = @case.Text;
        for (int i = 0, start = 0; i < count; i++)
        {
            int end = text.AsSpan(start).IndexOf((byte)',');
            _starts[i] = start;
            _lengths[i] = end < 0 ? text.Length - start : end;
            start += _lengths[i] + 1;
        }
    }

    /// <summary>Room for <paramref name="count"/> values of any style with their separators.</summary>
    public static int TextCapacity(int count) => (count * (NumberFormatter.MaxLength + 1)) + NumberFormatter.MaxLength;

    /// <summary>Writes the case's values with <paramref name="library"/>; returns the byte count.</summary>
    public int Format(NumberTextLibrary library) => library switch
    {
        NumberTextLibrary.Ours => FormatOurs(_case.Values, _case.Style, _case.Widen, _text),
        NumberTextLibrary.Bcl or NumberTextLibrary.Utf8FormatterParser => FormatBcl(library == NumberTextLibrary.Utf8FormatterParser),
        _ => throw new NotSupportedException($"{library} has no formatter"),
    };

    /// <summary>Reads the case's text with <paramref name="library"/>, token by token, into float32 values.</summary>
    public float[] Parse(NumberTextLibrary library)
    {
        ReadOnlySpan<byte> source = _case.Text;
        for (int i = 0; i < _parsed.Length; i++)
        {
            var token = source.Slice(_starts[i], _lengths[i]);
            _parsed[i] = library switch
            {
                NumberTextLibrary.Bcl => float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture),
                NumberTextLibrary.Utf8FormatterParser => Utf8Parser.TryParse(token, out float value, out _) ? value : float.NaN,
                NumberTextLibrary.CsFastFloat => FastFloatParser.ParseFloat(token),
                _ => NumberParser.TryParseSingle(token, out float ours, out _) ? ours : float.NaN,
            };
        }

        return _parsed;
    }

    /// <summary>Throws unless every library writes the codecs' exact text and reads back the exact values.</summary>
    public void Verify()
    {
        foreach (var library in new[] { NumberTextLibrary.Bcl, NumberTextLibrary.Utf8FormatterParser, NumberTextLibrary.Ours })
        {
            int length = Format(library);
            var written = _text.AsSpan(0, length);
            if (!written.SequenceEqual(_case.Text))
            {
                int at = Math.Max(0, written.CommonPrefixLength(_case.Text) - 20);
                string Around(ReadOnlySpan<byte> text) => System.Text.Encoding.ASCII.GetString(text[at..Math.Min(text.Length, at + 48)]);
                throw new InvalidOperationException($"{_case}: {library} wrote '…{Around(written)}…' where the codecs write '…{Around(_case.Text)}…'");
            }
        }

        foreach (var library in Enum.GetValues<NumberTextLibrary>())
        {
            var parsed = Parse(library);
            for (int i = 0; i < parsed.Length; i++)
            {
                if (BitConverter.SingleToUInt32Bits(parsed[i]) != BitConverter.SingleToUInt32Bits(_case.Values[i]))
                {
                    throw new InvalidOperationException($"{_case}: {library} read element {i} as {parsed[i]:R}, expected {_case.Values[i]:R}");
                }
            }
        }
    }

    /// <summary>The codecs' path: the bulk float32 writer, or shortest doubles one by one for widened answers.</summary>
    public static int FormatOurs(ReadOnlySpan<float> values, NumberStyle style, bool widen, Span<byte> destination)
    {
        if (!widen)
        {
            NumberFormatter.WriteSingles(values, ","u8, separateFirst: false, style, destination, out int written);
            return written;
        }

        int position = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                destination[position++] = (byte)',';
            }

            position += NumberFormatter.WriteDouble(values[i], style, destination[position..]);
        }

        return position;
    }

    // The BCL's shortest round-trip text (float.TryFormat / Utf8Formatter, format "G"), which for these values is
    // laid out as the servers do; TF Serving's printf rule takes "G9" when the shortest has more than six digits.
    private int FormatBcl(bool utf8Formatter)
    {
        var values = _case.Values;
        var destination = _text.AsSpan();
        int position = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                destination[position++] = (byte)',';
            }

            var slot = destination[position..];
            int written;
            if (_case.Widen)
            {
                double wide = values[i];
                _ = utf8Formatter ? Utf8Formatter.TryFormat(wide, slot, out written) : wide.TryFormat(slot, out written, default, CultureInfo.InvariantCulture);
            }
            else
            {
                _ = utf8Formatter ? Utf8Formatter.TryFormat(values[i], slot, out written) : values[i].TryFormat(slot, out written, default, CultureInfo.InvariantCulture);
                if (_case.Style == NumberStyle.CPrintfShortest && SignificantDigits(slot[..written]) > 6)
                {
                    _ = utf8Formatter
                        ? Utf8Formatter.TryFormat(values[i], slot, out written, new System.Buffers.StandardFormat('G', 9))
                        : values[i].TryFormat(slot, out written, "G9", CultureInfo.InvariantCulture);
                }
            }

            int exponentAt = slot[..written].IndexOf((byte)'E');
            position += exponentAt < 0 ? written : RelayExponent(slot, written, exponentAt);
        }

        return position;
    }

    // The BCL writes 1.2345E-05 below 1e-4, where JSON.stringify and rapidjson keep "0.000012345" down to 1e-6
    // and write "1.2345e-7" below, and printf writes "1.2345e-05": the same digits, laid out again in place.
    private int RelayExponent(Span<byte> slot, int written, int exponentAt)
    {
        int exponent = int.Parse(slot[(exponentAt + 1)..written], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (_case.Style == NumberStyle.CPrintfShortest)
        {
            slot[exponentAt] = (byte)'e';
            return written;
        }

        bool negative = slot[0] == '-';
        Span<byte> digits = stackalloc byte[24];
        int count = 0;
        foreach (byte b in slot[(negative ? 1 : 0)..exponentAt])
        {
            if (b != '.')
            {
                digits[count++] = b;
            }
        }

        int position = negative ? 1 : 0;
        if (exponent is >= -6 and < 0)
        {
            slot[position++] = (byte)'0';
            slot[position++] = (byte)'.';
            slot.Slice(position, -exponent - 1).Fill((byte)'0');
            position += -exponent - 1;
            digits[..count].CopyTo(slot[position..]);
            return position + count;
        }

        slot[position++] = digits[0];
        if (count > 1)
        {
            slot[position++] = (byte)'.';
            digits[1..count].CopyTo(slot[position..]);
            position += count - 1;
        }

        slot[position++] = (byte)'e';
        if (exponent > 0 && _case.Style == NumberStyle.Ecma)
        {
            slot[position++] = (byte)'+';
        }

        exponent.TryFormat(slot[position..], out int exponentLength, default, CultureInfo.InvariantCulture);
        return position + exponentLength;
    }

    private static int SignificantDigits(ReadOnlySpan<byte> text)
    {
        int digits = 0;
        bool leading = true;
        foreach (byte b in text)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                break;
            }

            if (b is >= (byte)'1' and <= (byte)'9' || (b == '0' && !leading))
            {
                digits++;
                leading = false;
            }
        }

        return digits;
    }
}
