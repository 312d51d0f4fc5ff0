namespace ServingBench.Wire.Text;

/// <summary>
/// How a server spells a number in JSON. Each real server has its own habits, and the size columns must match
/// what the real server writes, so each style is reproduced exactly. Every style writes NaN, Infinity and
/// -Infinity for non-finite values; callers decide whether their format allows them.
/// </summary>
public enum NumberStyle
{
    /// <summary>
    /// ECMAScript Number::toString (JSON.stringify), shortest digits: 3, 100, 12.34, 0.000123, 1e-7, 1.5e+21,
    /// 1e+21; −0 is written "0". What our clients write.
    /// </summary>
    Ecma,

    /// <summary>
    /// rapidjson Writer::WriteDouble (Triton): Grisu2 digits laid out by Prettify: 3.0, 100.0, 12.34, 0.00123,
    /// 1e-7, 1.234e-7, 1e30, 1.5e21 — no '+' and minimal exponent digits; −0 is "-0.0".
    /// </summary>
    RapidJson,

    /// <summary>
    /// TF Serving json_tensor.cc WriteDecimal: printf "%.6g" (absl::StrCat) when that parses back to the value,
    /// else "%.9g" (float) / "%.17g" (double); ".0" appended when the text has no '.' or 'e':
    /// 3.0, 100.0, 0.1, 1e-05, 9e+06, 1234567.0, 0.123456702 (0.1234567f), 4.94066e-324, −0 is "-0.0".
    /// </summary>
    CPrintfShortest,

    /// <summary>
    /// Python repr (TorchServe's json.dumps), shortest digits: 3.0, 0.1, 1e-05, 0.0001, 1e+16, 1.5e+16,
    /// 1000000000000000.0 — fixed notation for 1e-4 ≤ |x| &lt; 1e16; −0 is "-0.0".
    /// </summary>
    Python,
}
