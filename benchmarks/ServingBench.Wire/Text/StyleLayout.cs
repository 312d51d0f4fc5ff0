namespace ServingBench.Wire.Text;

/// <summary>
/// Lays out decimal digits the way each server does. With k digits and the decimal point at n
/// (value = 0.d1…dk × 10^n, printf exponent X = n − 1):
/// <list type="bullet">
/// <item>Ecma (ECMA-262 Number::toString): k ≤ n ≤ 21 → digits and zeros (3, 100, 1e21 → "1e+21");
/// 0 &lt; n ≤ 21 → 12.34; −6 &lt; n ≤ 0 → 0.000123; else 1e-7, 1.5e-7, 1.5e+21.</item>
/// <item>RapidJson (internal/dtoa.h Prettify, maxDecimalPlaces 324): k ≤ n ≤ 21 → 3.0, 100.0;
/// 0 &lt; n ≤ 21 → 12.34; −6 &lt; n ≤ 0 → 0.00123; else 1e30, 1e-7, 1.234e-7 (no '+', minimal exponent digits).</item>
/// <item>CPrintfShortest (printf %.{p}g, then ".0" when there is no '.' or 'e'): −4 ≤ X &lt; p → fixed with
/// trailing zeros removed (3.0, 100.0, 0.0001, 1234567.0); else 1e-05, 9e+06, 1.5e+100 (sign, ≥ 2 digits).</item>
/// <item>Python (repr, float_repr_style 'short'): −4 ≤ X &lt; 16 → 3.0, 0.0001, 1000000000000000.0; else
/// 1e-05, 1e+16, 1.5e+16.</item>
/// </list>
/// Zero: Ecma "0" for both signs; the others "0.0" and "-0.0".
/// </summary>
internal static class StyleLayout
{
    private const int PythonFixedLimit = 16;

    public static int Write(bool negative, DecimalDigits digits, NumberStyle style, Span<byte> destination)
    {
        if (digits.Significand == 0)
        {
            return WriteZero(negative && style != NumberStyle.Ecma, style == NumberStyle.Ecma, destination);
        }

        int position = 0;
        if (negative)
        {
            destination[position++] = (byte)'-';
        }

        int k = digits.DigitCount;
        int n = k + digits.Exponent;
        switch (style)
        {
            case NumberStyle.Ecma:
                if (k <= n && n <= 21)
                {
                    return WriteInteger(digits.Significand, k, n, destination, position, withPointZero: false);
                }

                return 0 < n && n <= 21 ? WriteWithPoint(digits.Significand, k, n, destination, position)
                    : -6 < n && n <= 0 ? WriteLeadingZeros(digits.Significand, k, n, destination, position)
                    : WriteExponential(digits.Significand, k, n - 1, destination, position, plusSign: true, minExponentDigits: 1);

            case NumberStyle.RapidJson:
                if (k <= n && n <= 21)
                {
                    return WriteInteger(digits.Significand, k, n, destination, position, withPointZero: true);
                }

                return 0 < n && n <= 21 ? WriteWithPoint(digits.Significand, k, n, destination, position)
                    : -6 < n && n <= 0 ? WriteLeadingZeros(digits.Significand, k, n, destination, position)
                    : WriteExponential(digits.Significand, k, n - 1, destination, position, plusSign: false, minExponentDigits: 1);

            case NumberStyle.CPrintfShortest:
                return WritePrintfLike(digits.Significand, k, n, digits.Precision, destination, position);

            case NumberStyle.Python:
                return WritePrintfLike(digits.Significand, k, n, PythonFixedLimit, destination, position);

            default:
                throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown number style.");
        }
    }

    // %g's choice (fixed when −4 ≤ X < limit), Python's repr uses the same rule with limit 16.
    private static int WritePrintfLike(ulong significand, int k, int n, int fixedLimit, Span<byte> destination, int position)
    {
        int x = n - 1;
        if (x < -4 || x >= fixedLimit)
        {
            return WriteExponential(significand, k, x, destination, position, plusSign: true, minExponentDigits: 2);
        }

        return n <= 0 ? WriteLeadingZeros(significand, k, n, destination, position)
            : k <= n ? WriteInteger(significand, k, n, destination, position, withPointZero: true)
            : WriteWithPoint(significand, k, n, destination, position);
    }

    private static int WriteZero(bool negative, bool bare, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = bare ? "0"u8 : negative ? "-0.0"u8 : "0.0"u8;
        text.CopyTo(destination);
        return text.Length;
    }

    // 1234 with n = 6 → "123400" (+ ".0").
    private static int WriteInteger(ulong significand, int k, int n, Span<byte> destination, int position, bool withPointZero)
    {
        DigitText.WriteDigits(significand, k, destination[position..]);
        position += k;
        destination.Slice(position, n - k).Fill((byte)'0');
        position += n - k;
        if (withPointZero)
        {
            destination[position++] = (byte)'.';
            destination[position++] = (byte)'0';
        }

        return position;
    }

    // 1234 with n = 2 → "12.34": all digits, then the tail moves one place right for the point.
    private static int WriteWithPoint(ulong significand, int k, int n, Span<byte> destination, int position)
    {
        DigitText.WriteDigits(significand, k, destination[position..]);
        destination.Slice(position + n, k - n).CopyTo(destination[(position + n + 1)..]);
        destination[position + n] = (byte)'.';
        return position + k + 1;
    }

    // 123 with n = −2 → "0.00123".
    private static int WriteLeadingZeros(ulong significand, int k, int n, Span<byte> destination, int position)
    {
        destination[position++] = (byte)'0';
        destination[position++] = (byte)'.';
        destination.Slice(position, -n).Fill((byte)'0');
        position -= n;
        DigitText.WriteDigits(significand, k, destination[position..]);
        return position + k;
    }

    // 15 with exponent 21 → "1.5e+21"; digits go one place right, then the first moves back before the point.
    private static int WriteExponential(ulong significand, int k, int exponent, Span<byte> destination, int position, bool plusSign, int minExponentDigits)
    {
        if (k == 1)
        {
            destination[position++] = (byte)('0' + significand);
        }
        else
        {
            DigitText.WriteDigits(significand, k, destination[(position + 1)..]);
            destination[position] = destination[position + 1];
            destination[position + 1] = (byte)'.';
            position += k + 1;
        }

        destination[position++] = (byte)'e';
        if (exponent < 0)
        {
            destination[position++] = (byte)'-';
            exponent = -exponent;
        }
        else if (plusSign)
        {
            destination[position++] = (byte)'+';
        }

        int exponentDigits = Math.Max(DigitText.CountDigits((ulong)exponent), minExponentDigits);
        if (exponent < 10 && exponentDigits == 2)
        {
            destination[position++] = (byte)'0';
            exponentDigits = 1;
        }

        DigitText.WriteDigits((ulong)exponent, exponentDigits, destination[position..]);
        return position + exponentDigits;
    }
}
