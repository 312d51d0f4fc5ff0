using System.Runtime.CompilerServices;

namespace ServingBench.Wire.Text;

/// <summary>
/// Lays out decimal digits the way each server does. With k digits and the decimal point at n
/// (value = 0.d1…dk × 10^n, printf exponent X = n − 1):
/// <list type="bullet">
/// <item>Ecma (ECMA-262 Number::toString): k ≤ n ≤ 21 → digits and zeros (3, 100, 1e21 → "1e+21");
/// 0 &lt; n ≤ 21 → 12.34; −6 &lt; n ≤ 0 → 0.000123; else 1e-7, 1.5e-7, 1.5e+21.</item>
/// <item>RapidJson (internal/dtoa.h Prettify, maxDecimalPlaces 324): k ≤ n ≤ 21 → 3.0, 100.0;
/// 0 &lt; n ≤ 21 → 12.34; −6 &lt; n ≤ 0 → 0.00123; else 1e30, 1e-7, 1.234e-7 (no '+', minimal exponent digits).
/// rapidjson's digits come from Grisu2, which is shortest in all but rare cases; we write the true shortest.</item>
/// <item>CPrintfShortest (printf %.{p}g, then ".0" when there is no '.' or 'e'): −4 ≤ X &lt; p → fixed with
/// trailing zeros removed (3.0, 100.0, 0.0001, 1234567.0); else 1e-05, 9e+06, 1.5e+100 (sign, ≥ 2 digits).</item>
/// <item>Python (repr, float_repr_style 'short'): −4 ≤ X &lt; 16 → 3.0, 0.0001, 1000000000000000.0; else
/// 1e-05, 1e+16, 1.5e+16.</item>
/// </list>
/// Zero: Ecma "0" for both signs; the others "0.0" and "-0.0". Writes go through unchecked references: the
/// public entry points have checked that the destination holds <see cref="NumberFormatter.MaxLength"/> bytes,
/// and no layout writes more (the longest is "-0.000001234567890123456" style, 25 bytes). Digits are written
/// padded to 9 or 17, so bytes after the returned length may be overwritten too (still within MaxLength).
/// </summary>
internal static class StyleLayout
{
    private const int PythonFixedLimit = 16;

    public static int Write(bool negative, DecimalDigits digits, NumberStyle style, Span<byte> destination)
    {
        ref byte start = ref MemoryMarshal.GetReference(destination);
        if (digits.Significand == 0)
        {
            return WriteZero(negative && style != NumberStyle.Ecma, style == NumberStyle.Ecma, destination);
        }

        // The sign is written unconditionally and kept or overwritten: random signs would defeat the branch predictor.
        start = (byte)'-';
        int position = negative ? 1 : 0;

        ref byte d = ref Unsafe.Add(ref start, position);
        ulong significand = digits.Significand;
        int k = digits.DigitCount;
        int n = k + digits.Exponent;
        if ((uint)n <= 1 && k > n)
        {
            // "0.ddd" or "d.ddd" — the same in every style, and most of a normalised tensor — in one branch-free
            // shape: digits land after the point, and the lead is either '0' or the first digit moved forward.
            ref byte digitsStart = ref Unsafe.Add(ref d, 2 - n);
            DigitText.WriteSignificand(ref digitsStart, significand, k);
            d = n == 1 ? Unsafe.Add(ref d, 1) : (byte)'0';
            Unsafe.Add(ref d, 1) = (byte)'.';
            return position + k + 2 - n;
        }

        int written;
        switch (style)
        {
            // The same ECMAScript Number::toString layout; rapidjson adds ".0" to integers and drops the exponent's '+'.
            case NumberStyle.Ecma:
            case NumberStyle.RapidJson:
                bool ecma = style == NumberStyle.Ecma;
                written = k <= n && n <= 21 ? WriteInteger(ref d, significand, k, n, withPointZero: !ecma)
                    : 0 < n && n <= 21 ? WriteWithPoint(ref d, significand, k, n)
                    : -6 < n && n <= 0 ? WriteLeadingZeros(ref d, significand, k, n)
                    : WriteExponential(ref d, significand, k, n - 1, plusSign: ecma, minExponentDigits: 1);
                break;

            case NumberStyle.CPrintfShortest:
                written = WritePrintfLike(ref d, significand, k, n, digits.Precision);
                break;

            case NumberStyle.Python:
                written = WritePrintfLike(ref d, significand, k, n, PythonFixedLimit);
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown number style.");
        }

        return position + written;
    }

    // %g's choice (fixed when −4 ≤ X < limit); Python's repr uses the same rule with limit 16.
    private static int WritePrintfLike(ref byte d, ulong significand, int k, int n, int fixedLimit)
    {
        int x = n - 1;
        if (x < -4 || x >= fixedLimit)
        {
            return WriteExponential(ref d, significand, k, x, plusSign: true, minExponentDigits: 2);
        }

        return n <= 0 ? WriteLeadingZeros(ref d, significand, k, n)
            : k <= n ? WriteInteger(ref d, significand, k, n, withPointZero: true)
            : WriteWithPoint(ref d, significand, k, n);
    }

    private static int WriteZero(bool negative, bool bare, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = bare ? "0"u8 : negative ? "-0.0"u8 : "0.0"u8;
        text.CopyTo(destination);
        return text.Length;
    }

    // 1234 with n = 6 → "123400" (+ ".0").
    private static int WriteInteger(ref byte d, ulong significand, int k, int n, bool withPointZero)
    {
        DigitText.WriteSignificand(ref d, significand, k);
        for (int i = k; i < n; i++)
        {
            Unsafe.Add(ref d, i) = (byte)'0';
        }

        if (!withPointZero)
        {
            return n;
        }

        Unsafe.Add(ref d, n) = (byte)'.';
        Unsafe.Add(ref d, n + 1) = (byte)'0';
        return n + 2;
    }

    // 1234 with n = 2 → "12.34": digits go one place right, then the integer part moves back before the point.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteWithPoint(ref byte d, ulong significand, int k, int n)
    {
        DigitText.WriteSignificand(ref Unsafe.Add(ref d, 1), significand, k);
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref d, i + 1);
        }

        Unsafe.Add(ref d, n) = (byte)'.';
        return k + 1;
    }

    // 123 with n = −2 → "0.00123".
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteLeadingZeros(ref byte d, ulong significand, int k, int n)
    {
        d = (byte)'0';
        Unsafe.Add(ref d, 1) = (byte)'.';
        int zeros = -n;
        for (int i = 0; i < zeros; i++)
        {
            Unsafe.Add(ref d, 2 + i) = (byte)'0';
        }

        DigitText.WriteSignificand(ref Unsafe.Add(ref d, 2 + zeros), significand, k);
        return 2 + zeros + k;
    }

    // 15 with exponent 21 → "1.5e+21" ("1.5e21" without the plus sign).
    private static int WriteExponential(ref byte d, ulong significand, int k, int exponent, bool plusSign, int minExponentDigits)
    {
        int position;
        if (k == 1)
        {
            d = (byte)('0' + significand);
            position = 1;
        }
        else
        {
            position = WriteWithPoint(ref d, significand, k, 1);
        }

        Unsafe.Add(ref d, position++) = (byte)'e';
        if (exponent < 0)
        {
            Unsafe.Add(ref d, position++) = (byte)'-';
            exponent = -exponent;
        }
        else if (plusSign)
        {
            Unsafe.Add(ref d, position++) = (byte)'+';
        }

        int exponentDigits = Math.Max(exponent >= 100 ? 3 : exponent >= 10 ? 2 : 1, minExponentDigits);
        DigitText.WriteDigits(ref Unsafe.Add(ref d, position), (ulong)exponent, exponentDigits);
        return position + exponentDigits;
    }
}
