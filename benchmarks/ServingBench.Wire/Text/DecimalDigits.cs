namespace ServingBench.Wire.Text;

/// <summary>
/// A finite non-negative decimal <c>Significand × 10^Exponent</c> with no trailing zeros in the significand
/// (zero is 0 × 10^0). <see cref="Precision"/> is the printf precision it was rounded to, where that matters.
/// </summary>
internal readonly record struct DecimalDigits(ulong Significand, int Exponent, int Precision = 0)
{
    /// <summary>Number of digits of the significand (1 for zero).</summary>
    public int DigitCount => DigitText.CountDigits(Significand);

    /// <summary>Decimal point position n: the value is 0.d1d2…dk × 10^n (ECMA-262's n).</summary>
    public int PointPosition => DigitCount + Exponent;

    /// <summary>Drops trailing zeros from the significand, keeping the value.</summary>
    public static DecimalDigits Trimmed(ulong significand, int exponent, int precision = 0)
    {
        if (significand == 0)
        {
            return new DecimalDigits(0, 0, precision);
        }

        while (significand % 10 == 0)
        {
            significand /= 10;
            exponent++;
        }

        return new DecimalDigits(significand, exponent, precision);
    }
}
