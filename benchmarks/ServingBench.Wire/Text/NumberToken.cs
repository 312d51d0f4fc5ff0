using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

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
/// -Infinity. The longest prefix that fits the grammar is taken ("1." reads as "1", "01" as "0"). With at most
/// 19 significant digits (leading zeros are not counted) the value is exactly <see cref="Mantissa"/> ×
/// 10^<see cref="Exponent"/>; with more, <see cref="ManyDigits"/> is set and only the token's length is known.
/// </summary>
internal readonly record struct NumberToken(TokenKind Kind, bool Negative, ulong Mantissa, long Exponent, bool ManyDigits)
{
    public const int MaxMantissaDigits = 19;

    /// <summary>'0' in each byte: XOR turns eight ASCII digits into their values.</summary>
    public const ulong AsciiZeros = 0x3030_3030_3030_3030;

    // Decimal exponents beyond this are zero or infinity for any type; clamping keeps long exponents cheap and exact.
    private const long ExponentClamp = 100_000_000;

    /// <summary>Scans the token at the start of <paramref name="utf8"/> and returns its length (0 when there is none).</summary>
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

        // Every digit is accumulated (wrapping past 19 digits, when ManyDigits makes the mantissa unused).
        ulong mantissa = 0;
        int significantDigits = 0;
        if (utf8[i] == '0')
        {
            i++;
        }
        else
        {
            int integerStart = i;
            for (; i < utf8.Length && IsDigit(utf8[i]); i++)
            {
                mantissa = (mantissa * 10) + (uint)(utf8[i] - '0');
            }

            significantDigits = i - integerStart;
        }

        long exponent = 0;
        if (i + 1 < utf8.Length && utf8[i] == '.' && IsDigit(utf8[i + 1]))
        {
            int fractionStart = ++i;
            if (significantDigits == 0)
            {
                // 0.000123: the zeros only place the point.
                while (i < utf8.Length && utf8[i] == '0')
                {
                    i++;
                }
            }

            int digitsStart = i;
            if (utf8.Length - i >= sizeof(ulong))
            {
                // Up to eight digits in one step: no per-digit branch to mispredict where a run of varying length ends.
                ulong chunk = BinaryPrimitives.ReadUInt64LittleEndian(utf8[i..]) ^ AsciiZeros;
                int count = BitOperations.TrailingZeroCount((chunk | (chunk + 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0) >> 3;
                ulong digits = count == 0 ? 0 : chunk << (8 * (8 - count)); // no digit left after the zeros of "0.000"
                mantissa = (mantissa * DigitText.PowerOfTen(count)) + EightDigitsValue(digits);
                i += count;
            }

            for (; i < utf8.Length && IsDigit(utf8[i]); i++)
            {
                mantissa = (mantissa * 10) + (uint)(utf8[i] - '0');
            }

            exponent = fractionStart - i;
            significantDigits += i - digitsStart;
        }

        i = ScanExponent(utf8, i, ref exponent);
        token = new NumberToken(TokenKind.Number, negative, mantissa, exponent, significantDigits > MaxMantissaDigits);
        return i;
    }

    // [eE][+-]?[0-9]+ at i, added to exponent (clamped); returns the position after it, or i if there is none.
    private static int ScanExponent(ReadOnlySpan<byte> utf8, int i, ref long exponent)
    {
        if (i >= utf8.Length || (utf8[i] | 0x20) != 'e')
        {
            return i;
        }

        int j = i + 1;
        bool exponentNegative = false;
        if (j < utf8.Length && (utf8[j] == '+' || utf8[j] == '-'))
        {
            exponentNegative = utf8[j] == '-';
            j++;
        }

        if (j >= utf8.Length || !IsDigit(utf8[j]))
        {
            return i;
        }

        long written = 0;
        for (; j < utf8.Length && IsDigit(utf8[j]); j++)
        {
            written = Math.Min((written * 10) + (utf8[j] - '0'), ExponentClamp);
        }

        exponent += exponentNegative ? -written : written;
        return j;
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

    // Eight digit values (0–9, first digit in the lowest byte) to their number: pairs, then quads, then the two halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong EightDigitsValue(ulong digits)
    {
        digits = (digits * 10) + (digits >> 8);
        return (((digits & 0x0000_00FF_0000_00FF) * (100 + (1_000_000UL << 32)))
            + (((digits >> 16) & 0x0000_00FF_0000_00FF) * (1 + (10_000UL << 32)))) >> 32;
    }
}
