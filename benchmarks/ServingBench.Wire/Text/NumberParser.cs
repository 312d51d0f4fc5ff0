using System.Globalization;

namespace ServingBench.Wire.Text;

/// <summary>Correctly rounded parsing of JSON number text (plus NaN, Infinity, -Infinity).</summary>
public static class NumberParser
{
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
                value = float.Parse(utf8[..consumed], NumberStyles.Float, CultureInfo.InvariantCulture);
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
                value = double.Parse(utf8[..consumed], NumberStyles.Float, CultureInfo.InvariantCulture);
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
}
