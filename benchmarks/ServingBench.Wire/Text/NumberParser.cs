using System.Globalization;
using System.Runtime.CompilerServices;

namespace ServingBench.Wire.Text;

/// <summary>
/// Correctly rounded parsing of JSON number text (plus NaN, Infinity, -Infinity): Clinger's exact fast path, then
/// Eisel–Lemire; .NET's exact parser only for what those cannot decide (more than 19 digits straddling a rounding
/// boundary, or a product too close to call).
/// </summary>
public static class NumberParser
{
    private const ulong MaxExactDoubleInteger = 1UL << 53;
    private const ulong MaxExactSingleInteger = 1UL << 24;

    private static ReadOnlySpan<double> DoublePowersOfTen =>
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    private static ReadOnlySpan<float> SinglePowersOfTen => [1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f];

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
        double magnitude;
        if (w == 0)
        {
            magnitude = 0;
        }
        else if (!token.ManyDigits && w <= MaxExactDoubleInteger && q is >= -22 and <= 22)
        {
            // Clinger: both operands exact, so the one IEEE operation rounds correctly.
            magnitude = q >= 0 ? w * DoublePowersOfTen[(int)q] : w / DoublePowersOfTen[(int)-q];
        }
        else if (EiselLemire.TryDouble(w, q, out ulong bits)
            && (!token.ManyDigits || (EiselLemire.TryDouble(w + 1, q, out ulong upper) && upper == bits)))
        {
            magnitude = BitConverter.UInt64BitsToDouble(bits);
        }
        else
        {
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return token.Negative ? -magnitude : magnitude;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ToSingle(in NumberToken token, ReadOnlySpan<byte> text)
    {
        ulong w = token.Mantissa;
        long q = token.Exponent;
        float magnitude;
        if (w == 0)
        {
            magnitude = 0;
        }
        else if (!token.ManyDigits && w <= MaxExactSingleInteger && q is >= -10 and <= 10)
        {
            magnitude = q >= 0 ? w * SinglePowersOfTen[(int)q] : w / SinglePowersOfTen[(int)-q];
        }
        else if (EiselLemire.TrySingle(w, q, out uint bits)
            && (!token.ManyDigits || (EiselLemire.TrySingle(w + 1, q, out uint upper) && upper == bits)))
        {
            magnitude = BitConverter.UInt32BitsToSingle(bits);
        }
        else
        {
            return float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return token.Negative ? -magnitude : magnitude;
    }
}
