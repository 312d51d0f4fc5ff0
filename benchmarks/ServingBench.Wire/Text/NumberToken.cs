namespace ServingBench.Wire.Text;

internal enum TokenKind
{
    None,
    Number,
    NaN,
    Infinity,
}

/// <summary>
/// One scanned JSON number: '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?, or NaN / Infinity /
/// -Infinity. The longest prefix that fits the grammar is taken ("1." reads as "1", "01" as "0"). The first
/// 19 significant digits are kept exactly; the rest only mark the value inexact.
/// </summary>
internal readonly record struct NumberToken(TokenKind Kind, bool Negative, ulong Mantissa, long Exponent, bool ManyDigits)
{
    public const int MaxMantissaDigits = 19;

    // Decimal exponents beyond this are zero or infinity for any type; clamping keeps long digit runs cheap and exact.
    private const long ExponentClamp = 100_000_000;

    /// <summary>
    /// Scans the token at the start of <paramref name="utf8"/> and returns its length (0 when there is none).
    /// <see cref="Mantissa"/> × 10^<see cref="Exponent"/> is the value when <see cref="ManyDigits"/> is false;
    /// otherwise it is the value cut to its first 19 significant digits.
    /// </summary>
    public static int Scan(ReadOnlySpan<byte> utf8, out NumberToken token)
    {
        int i = 0;
        bool negative = false;
        if (i < utf8.Length && utf8[i] == '-')
        {
            negative = true;
            i++;
        }

        if (i >= utf8.Length || !IsDigit(utf8[i]))
        {
            return ScanWord(utf8, i, negative, out token);
        }

        ulong mantissa = 0;
        int significantDigits = 0;
        long exponent = 0;
        bool manyDigits = false;

        // Integer part: a lone '0' or a digit run without a leading zero.
        if (utf8[i] == '0')
        {
            i++;
        }
        else
        {
            for (; i < utf8.Length && IsDigit(utf8[i]); i++)
            {
                AddDigit(utf8[i], ref mantissa, ref significantDigits, ref exponent, ref manyDigits, afterPoint: false);
            }
        }

        if (i + 1 < utf8.Length && utf8[i] == '.' && IsDigit(utf8[i + 1]))
        {
            for (i++; i < utf8.Length && IsDigit(utf8[i]); i++)
            {
                AddDigit(utf8[i], ref mantissa, ref significantDigits, ref exponent, ref manyDigits, afterPoint: true);
            }
        }

        if (i < utf8.Length && (utf8[i] | 0x20) == 'e')
        {
            int j = i + 1;
            bool exponentNegative = false;
            if (j < utf8.Length && (utf8[j] == '+' || utf8[j] == '-'))
            {
                exponentNegative = utf8[j] == '-';
                j++;
            }

            if (j < utf8.Length && IsDigit(utf8[j]))
            {
                long written = 0;
                for (; j < utf8.Length && IsDigit(utf8[j]); j++)
                {
                    written = Math.Min((written * 10) + (utf8[j] - '0'), ExponentClamp);
                }

                exponent += exponentNegative ? -written : written;
                i = j;
            }
        }

        token = new NumberToken(TokenKind.Number, negative, mantissa, exponent, manyDigits);
        return i;
    }

    private static void AddDigit(byte digit, ref ulong mantissa, ref int significantDigits, ref long exponent, ref bool manyDigits, bool afterPoint)
    {
        if (significantDigits < MaxMantissaDigits)
        {
            mantissa = (mantissa * 10) + (ulong)(digit - '0');
            if (mantissa != 0)
            {
                significantDigits++;
            }

            if (afterPoint)
            {
                exponent--;
            }
        }
        else
        {
            // Dropped digits: integer ones still scale the value; any non-zero one makes it inexact.
            manyDigits |= digit != '0';
            if (!afterPoint)
            {
                exponent++;
            }
        }
    }

    private static int ScanWord(ReadOnlySpan<byte> utf8, int start, bool negative, out NumberToken token)
    {
        ReadOnlySpan<byte> rest = utf8[start..];
        if (rest.StartsWith("Infinity"u8))
        {
            token = new NumberToken(TokenKind.Infinity, negative, 0, 0, false);
            return start + 8;
        }

        if (!negative && rest.StartsWith("NaN"u8))
        {
            token = new NumberToken(TokenKind.NaN, false, 0, 0, false);
            return 3;
        }

        token = default;
        return 0;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
