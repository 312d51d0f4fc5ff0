namespace ServingBench.Wire.Text;

/// <summary>
/// How a server spells a number in JSON. Each real server has its own habits, and the size columns must match
/// what the real server writes, so each style is reproduced exactly.
/// </summary>
public enum NumberStyle
{
    /// <summary>ECMAScript Number::toString (JSON.stringify): 0.1, 3, 1e-7, 1.5e+21. What our clients write.</summary>
    Ecma,

    /// <summary>rapidjson Writer (Triton): 0.1, 3.0, 1e-7, 1.5e21 — no '+' in exponents, integral values get ".0".</summary>
    RapidJson,

    /// <summary>TF Serving json_tensor.cc: C printf %g at the shortest round-tripping precision, ".0" appended to integral text: 0.1, 3.0, 1e-07, 9e+06.</summary>
    CPrintfShortest,

    /// <summary>Python repr (TorchServe's json.dumps): 0.1, 3.0, 1e-07, 1e+16, fixed notation for 1e-4 ≤ |x| &lt; 1e16.</summary>
    Python,
}

/// <summary>Shortest round-trip number text, in the style each server writes. STUB: replaced by the fast implementation.</summary>
public static class NumberFormatter
{
    /// <summary>Longest text any style writes for one number.</summary>
    public const int MaxLength = 32;

    /// <summary>Writes the shortest text that parses back to <paramref name="value"/> as a float32; NaN / Infinity / -Infinity for non-finite.</summary>
    public static int WriteSingle(float value, NumberStyle style, Span<byte> destination) => throw new NotImplementedException();

    /// <summary>Writes the shortest text that parses back to <paramref name="value"/> as a float64; NaN / Infinity / -Infinity for non-finite.</summary>
    public static int WriteDouble(double value, NumberStyle style, Span<byte> destination) => throw new NotImplementedException();
}

/// <summary>Correctly rounded parsing of JSON number text. STUB: replaced by the fast implementation.</summary>
public static class NumberParser
{
    /// <summary>
    /// Parses one JSON number (or NaN, Infinity, -Infinity) at the start of <paramref name="utf8"/>, rounding to
    /// the nearest float32 directly; <paramref name="consumed"/> is the token length. False if no number starts there.
    /// </summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> utf8, out float value, out int consumed) => throw new NotImplementedException();

    /// <summary>As <see cref="TryParseSingle"/>, rounding to the nearest float64.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> utf8, out double value, out int consumed) => throw new NotImplementedException();
}
