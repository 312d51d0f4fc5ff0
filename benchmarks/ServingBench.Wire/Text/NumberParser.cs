using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using csFastFloat;

namespace ServingBench.Wire.Text;

/// <summary>
/// Correctly rounded parsing of JSON number text (plus NaN, Infinity, -Infinity). The JSON token is scanned here
/// (<see cref="NumberToken"/>), and Clinger's exact fast path settles every number of up to 16 digits with a
/// small exponent, which is every element of a request; the rest (17-digit widened answers, huge or tiny
/// exponents, midpoints) go to csFastFloat (Lemire's fast_float), and tokens too long for it to the BCL.
/// docs/number-text.md has the measurements behind that split.
/// </summary>
public static class NumberParser
{
    private const ulong MaxExactDoubleInteger = 1UL << 53;

    // csFastFloat stops reading a written exponent past 65,536, which matters only when so many digits move the
    // point back: any token longer than this goes to the BCL instead (no server writes one over 25 bytes).
    private const int FastFloatTokenLimit = 64;

    // The 29 double significand bits below a normal float's last bit: exactly half a float ulp is a midpoint.
    private const ulong SingleMidpointMask = (1UL << 29) - 1;
    private const ulong SingleMidpointBits = 1UL << 28;

    private static ReadOnlySpan<double> DoublePowersOfTen =>
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>
    /// Parses one JSON number (or NaN, Infinity, -Infinity) at the start of <paramref name="utf8"/>, rounding to
    /// the nearest float32 directly; <paramref name="consumed"/> is the token length. False if no number starts there.
    /// </summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> utf8, out float value, out int consumed)
    {
        consumed = NumberToken.Scan(utf8, out NumberToken token);
        if (token.Kind == TokenKind.Number)
        {
            value = ToSingle(token, utf8[..consumed]);
            return true;
        }

        return TryNamedValue(token, out value);
    }

    /// <summary>Bytes <see cref="TryParseShortFraction"/> reads, whatever the token's length.</summary>
    public const int ShortFractionReach = 19;

    // The most fraction digits the short form takes: its end must lie inside the 16 bytes one compare looks at.
    private const int ShortFractionMaxDigits = 13;

    /// <summary>
    /// The form every writer gives a float32 under ten, which is every element of an image or audio tensor:
    /// '-'? digit '.' digits (1 to 13 of them) with no exponent, read without the token scan. One 16-byte compare
    /// finds where the digits end and two eight-digit steps give their value, so no branch depends on the token's
    /// length; the value is then Clinger's, as in <see cref="TryParseSingle"/>. False, with nothing consumed, for
    /// any other form (and for a rounding midpoint): the caller then reads it with <see cref="TryParseSingle"/>.
    /// <paramref name="utf8"/> must hold at least <see cref="ShortFractionReach"/> bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseShortFraction(ReadOnlySpan<byte> utf8, out float value, out int consumed)
    {
        if (utf8.Length < ShortFractionReach)
        {
            throw new ArgumentException($"needs {ShortFractionReach} readable bytes", nameof(utf8));
        }

        ref byte start = ref MemoryMarshal.GetReference(utf8);
        uint isDigit = Vector128.LessThan(Vector128.LoadUnsafe(ref start) - Vector128.Create((byte)'0'), Vector128.Create((byte)10))
            .ExtractMostSignificantBits();
        int sign = start == '-' ? 1 : 0;
        int fractionAt = sign + 2;

        // The mask has 16 bits, so the count stops at the compare's end: a token reaching it is not taken.
        int fractionDigits = BitOperations.TrailingZeroCount(~isDigit >> fractionAt);
        int end = fractionAt + fractionDigits;
        if (((isDigit >> sign) & 1) == 0 || Unsafe.Add(ref start, sign + 1) != '.' || fractionDigits == 0
            || fractionDigits > ShortFractionMaxDigits - sign || (Unsafe.Add(ref start, end) | 0x20) == 'e')
        {
            value = 0;
            consumed = 0;
            return false;
        }

        bool taken = ShortFractionValue(ref start, sign, fractionDigits, out value);
        consumed = taken ? end : 0;
        return taken;
    }

    /// <summary>
    /// The short form for a token whose end is already known (the windowed reader found its comma):
    /// <paramref name="length"/> bytes at <paramref name="token"/>, and <paramref name="digitBits"/> with bit i set
    /// where byte i is a digit. Same forms, same value, same refusals as <see cref="TryParseShortFraction"/>; the
    /// <see cref="ShortFractionReach"/> bytes from the token's start must be readable.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseShortFraction(ref byte token, int length, ulong digitBits, out float value)
    {
        int sign = token == '-' ? 1 : 0;
        int fractionDigits = length - sign - 2;
        ulong fractionBits = (1UL << fractionDigits) - 1;
        if ((uint)(fractionDigits - 1) >= (uint)(ShortFractionMaxDigits - sign) || ((digitBits >> sign) & 1) == 0
            || Unsafe.Add(ref token, sign + 1) != '.' || ((digitBits >> (sign + 2)) & fractionBits) != fractionBits)
        {
            value = 0;
            return false;
        }

        return ShortFractionValue(ref token, sign, fractionDigits, out value);
    }

    // The value of '-'? digit '.' digits (fractionDigits of them, 1 to 13) at start: false on a float midpoint.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ShortFractionValue(ref byte start, int sign, int fractionDigits, out float value)
    {
        ulong mantissa = Ssse3.IsSupported && Sse41.IsSupported
            ? ShortFractionMantissaSse(ref start, sign, fractionDigits)
            : ShortFractionMantissa(ref start, sign, fractionDigits);

        // At most 14 digits: below 2^53, so the division is Clinger's exact case. Converted as a long, which is one
        // instruction; a ulong's conversion is a sequence that guards its top bit.
        double wide = (long)mantissa / DoublePowersOfTen[fractionDigits];
        if ((BitConverter.DoubleToUInt64Bits(wide) & SingleMidpointMask) == SingleMidpointBits)
        {
            value = 0;
            return false;
        }

        value = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((float)wide) | (sign << 31));
        return true;
    }

    // The digits of '-'? digit '.' digits as one integer, eight at a time: each half is moved to the top bytes so the
    // rest shifts out (two shifts, so that a second half with no digits shifts by 64 in all and gives zero).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ShortFractionMantissa(ref byte start, int sign, int fractionDigits)
    {
        int fractionAt = sign + 2;
        ulong first = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, fractionAt)) ^ NumberToken.AsciiZeros;
        ulong second = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, fractionAt + 8)) ^ NumberToken.AsciiZeros;
        int firstCount = Math.Min(fractionDigits, 8);
        int secondShift = 4 * (8 - (fractionDigits - firstCount));
        ulong fraction = (NumberToken.EightDigitsValue(first << (8 * (8 - firstCount))) * DigitText.PowerOfTen(fractionDigits - firstCount))
            + NumberToken.EightDigitsValue((second << secondShift) << secondShift);
        return ((uint)(Unsafe.Add(ref start, sign) - '0') * DigitText.PowerOfTen(fractionDigits)) + fraction;
    }

    // The same integer from one 16-byte load: a shuffle drops the sign and the point and right-aligns the digits
    // (zeros in front), then three multiply-add steps join neighbours into 2-, 4- and 8-digit values: one 64-bit
    // multiplication where the scalar step has eight, and no table of powers (docs/number-text.md: the gain).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ShortFractionMantissaSse(ref byte start, int sign, int fractionDigits)
    {
        var digitValues = Vector128.LoadUnsafe(ref start) - Vector128.Create((byte)'0');
        var order = Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(ShortFractionDigitOrder), (nuint)(((sign * 16) + fractionDigits) * 16));
        var aligned = Ssse3.Shuffle(digitValues, order);
        var pairs = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create((ushort)0x010A).AsSByte()); // 10·a + b
        var fours = Sse2.MultiplyAddAdjacent(pairs, Vector128.Create(0x0001_0064).AsInt16()); // 100·ab + cd
        var eights = Sse2.MultiplyAddAdjacent(Sse41.PackUnsignedSaturate(fours, fours).AsInt16(), Vector128.Create(0x0001_2710).AsInt16()); // 10⁴·abcd + efgh
        return ((ulong)(uint)eights.ToScalar() * 100_000_000) + (uint)eights.GetElement(1);
    }

    // Shuffle orders for ShortFractionMantissaSse, 16 bytes for each sign (0 or 1) and fraction length (1 to 13):
    // output byte j takes the token's digit that lands there when the digits are right-aligned, 0x80 (zero) before.
    private static readonly byte[] ShortFractionDigitOrder = BuildShortFractionDigitOrder();

    private static byte[] BuildShortFractionDigitOrder()
    {
        var order = new byte[2 * 16 * 16];
        for (int sign = 0; sign <= 1; sign++)
        {
            for (int fractionDigits = 1; fractionDigits <= ShortFractionMaxDigits; fractionDigits++)
            {
                int digits = 1 + fractionDigits;
                for (int j = 0; j < 16; j++)
                {
                    int k = j - (16 - digits); // which digit of the token, 0 = the one before the point
                    order[(((sign * 16) + fractionDigits) * 16) + j] = k < 0 ? (byte)0x80 : (byte)(sign + (k == 0 ? 0 : k + 1));
                }
            }
        }

        return order;
    }

    /// <summary>As <see cref="TryParseSingle"/>, rounding to the nearest float64.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> utf8, out double value, out int consumed)
    {
        consumed = NumberToken.Scan(utf8, out NumberToken token);
        if (token.Kind == TokenKind.Number)
        {
            value = ToDouble(token, utf8[..consumed]);
            return true;
        }

        return TryNamedValue(token, out value);
    }

    // The value of a NaN, Infinity or -Infinity token; false (and zero) when the scan found no number at all.
    private static bool TryNamedValue<T>(in NumberToken token, out T value)
        where T : IFloatingPointIeee754<T>
    {
        switch (token.Kind)
        {
            case TokenKind.NaN:
                value = T.NaN;
                return true;
            case TokenKind.Infinity:
                value = token.Negative ? T.NegativeInfinity : T.PositiveInfinity;
                return true;
            default:
                value = T.Zero;
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ToDouble(in NumberToken token, ReadOnlySpan<byte> text)
    {
        ulong w = token.Mantissa;
        long q = token.Exponent;
        if (token.ManyDigits || w > MaxExactDoubleInteger || q is < -22 or > 22)
        {
            return text.Length <= FastFloatTokenLimit
                ? FastDoubleParser.ParseDouble(text)
                : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        // Clinger: both operands exact, so the one IEEE operation rounds correctly.
        double magnitude = q >= 0 ? w * DoublePowersOfTen[(int)q] : w / DoublePowersOfTen[(int)-q];
        return token.Negative ? -magnitude : magnitude;
    }

    // Clinger in double (exact operands, one correctly rounded operation), then to float. Rounding twice gives the
    // same float as rounding the exact value once unless the double lands exactly on a midpoint between two floats
    // (midpoints are doubles, and rounding to double never crosses one); those few go to the library.
    // 8- and 9-digit pixel values (above 2^24, beyond a float-only fast path) take this path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToSingle(in NumberToken token, ReadOnlySpan<byte> text)
    {
        ulong w = token.Mantissa;
        long q = token.Exponent;
        if (!token.ManyDigits && w <= MaxExactDoubleInteger && q is >= -22 and <= 22)
        {
            double wide = q >= 0 ? w * DoublePowersOfTen[(int)q] : w / DoublePowersOfTen[(int)-q];
            if ((BitConverter.DoubleToUInt64Bits(wide) & SingleMidpointMask) != SingleMidpointBits)
            {
                float magnitude = (float)wide;
                return token.Negative ? -magnitude : magnitude;
            }
        }

        return text.Length <= FastFloatTokenLimit
            ? FastFloatParser.ParseFloat(text)
            : float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
