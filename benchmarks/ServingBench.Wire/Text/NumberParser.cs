using System.Globalization;
using System.Runtime.CompilerServices;
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
        switch (token.Kind)
        {
            case TokenKind.Number:
                value = ToSingle(token, utf8[..consumed]);
                return true;
            case TokenKind.NaN:
                value = float.NaN;
                return true;
            case TokenKind.Infinity:
                value = token.Negative ? float.NegativeInfinity : float.PositiveInfinity;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>As <see cref="TryParseSingle"/>, rounding to the nearest float64.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> utf8, out double value, out int consumed)
    {
        consumed = NumberToken.Scan(utf8, out NumberToken token);
        switch (token.Kind)
        {
            case TokenKind.Number:
                value = ToDouble(token, utf8[..consumed]);
                return true;
            case TokenKind.NaN:
                value = double.NaN;
                return true;
            case TokenKind.Infinity:
                value = token.Negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            default:
                value = 0;
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
