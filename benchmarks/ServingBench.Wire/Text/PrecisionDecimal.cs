using System.Numerics;

namespace ServingBench.Wire.Text;

/// <summary>
/// A binary value c × 2^q rounded to a fixed number of significant digits, ties to even (what printf "%.{p}g"
/// prints), in exact 128-bit integer arithmetic. Declines (false) when the numbers would not fit; callers then
/// use .NET's exact formatter.
/// </summary>
internal static class PrecisionDecimal
{
    private const int MaxPowerOfFive = 55; // 5^55 < 2^128

    private static readonly UInt128[] PowersOfFive = BuildPowersOfFive();

    /// <summary>
    /// Rounds c × 2^q (c &gt; 0) to <paramref name="precision"/> digits. <paramref name="leadingExponent"/> is
    /// floor(log10(value)) or one more (the shortest digits' exponent can round up across a power of ten).
    /// </summary>
    public static bool TryRound(ulong c, int q, int leadingExponent, int precision, out DecimalDigits digits)
    {
        ulong lowest = DigitText.PowerOfTen(precision - 1);
        for (int attempt = 0; attempt < 2; attempt++, leadingExponent--)
        {
            if (!TryScaleAndRound(c, q, precision - 1 - leadingExponent, out ulong rounded))
            {
                break;
            }

            if (rounded < lowest)
            {
                continue; // the exponent estimate was one too high
            }

            if (rounded == lowest * 10)
            {
                // 9.99…95 rounds up to the next power of ten.
                rounded = lowest;
                leadingExponent++;
            }

            digits = DecimalDigits.Trimmed(rounded, leadingExponent - precision + 1, precision);
            return true;
        }

        digits = default;
        return false;
    }

    // Round-half-even of c × 2^q × 10^j, with 10^j split as 5^j × 2^j.
    private static bool TryScaleAndRound(ulong c, int q, int j, out ulong rounded)
    {
        rounded = 0;

        // Trailing zero bits only widen the products (a float widened to double has 29 of them).
        int trailingZeros = BitOperations.TrailingZeroCount(c);
        c >>= trailingZeros;
        q += trailingZeros;
        int binaryExponent = q + j;
        int cBits = 64 - BitOperations.LeadingZeroCount(c);
        if (j >= 0)
        {
            if (j > MaxPowerOfFive || cBits + BitLength(PowersOfFive[j]) > 128)
            {
                return false;
            }

            if (cBits + BitLength(PowersOfFive[j]) <= 64 && binaryExponent is < 0 and > -64)
            {
                // Common for float32 to 9 digits: everything fits one 64-bit word.
                ulong narrow = c * (ulong)PowersOfFive[j];
                int narrowShift = -binaryExponent;
                ulong narrowFloor = narrow >> narrowShift;
                ulong narrowRemainder = narrow - (narrowFloor << narrowShift);
                ulong narrowHalf = 1UL << (narrowShift - 1);
                rounded = narrowFloor + (narrowRemainder > narrowHalf || (narrowRemainder == narrowHalf && (narrowFloor & 1) != 0) ? 1UL : 0UL);
                return true;
            }

            UInt128 scaled = c * PowersOfFive[j];
            if (binaryExponent >= 0)
            {
                if (binaryExponent >= 64)
                {
                    return false;
                }

                rounded = (ulong)(scaled << binaryExponent);
                return true;
            }

            int shift = -binaryExponent;
            if (shift >= 127)
            {
                return false;
            }

            UInt128 floor = scaled >> shift;
            UInt128 remainder = scaled - (floor << shift);
            UInt128 half = UInt128.One << (shift - 1);
            bool up = remainder > half || (remainder == half && ((ulong)floor & 1) != 0);
            rounded = (ulong)floor + (up ? 1UL : 0UL);
            return true;
        }

        int m = -j;
        if (m > MaxPowerOfFive)
        {
            return false;
        }

        UInt128 numerator = c;
        UInt128 divisor = PowersOfFive[m];
        if (binaryExponent >= 0)
        {
            if (cBits + binaryExponent > 126)
            {
                return false;
            }

            numerator <<= binaryExponent;
        }
        else
        {
            if (BitLength(divisor) - binaryExponent > 126)
            {
                return false;
            }

            divisor <<= -binaryExponent;
        }

        UInt128 quotient = numerator / divisor;
        UInt128 twiceRemainder = (numerator - (quotient * divisor)) << 1;
        bool roundUp = twiceRemainder > divisor || (twiceRemainder == divisor && ((ulong)quotient & 1) != 0);
        rounded = (ulong)quotient + (roundUp ? 1UL : 0UL);
        return true;
    }

    private static int BitLength(UInt128 value) => 128 - (int)UInt128.LeadingZeroCount(value);

    private static UInt128[] BuildPowersOfFive()
    {
        var table = new UInt128[MaxPowerOfFive + 1];
        table[0] = 1;
        for (int i = 1; i < table.Length; i++)
        {
            table[i] = table[i - 1] * 5;
        }

        return table;
    }
}
