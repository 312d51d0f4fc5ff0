using System.Numerics;
using System.Runtime.CompilerServices;

namespace ServingBench.Wire.Text;

/// <summary>
/// Decimal w × 10^q to the nearest binary float in one 64×128-bit multiplication: Lemire, "Number parsing at a
/// gigabyte per second" (2021), as refined in fast_float. Rounds directly to float32 or float64 (ties to even).
/// Returns false where the truncated product cannot decide the rounding; callers then use an exact parser.
/// </summary>
internal static class EiselLemire
{
    private const int SmallestPowerOfFive = -342;
    private const int LargestPowerOfFive = 308;

    /// <summary>5^q normalised to 128 bits (high word, low word), truncated for q ≥ 0 and rounded up for q &lt; 0.</summary>
    private static readonly ulong[] PowersOfFive = BuildPowersOfFive();

    /// <summary>IEEE layout constants for one binary format.</summary>
    private readonly record struct Format(int MantissaBits, int MinimumExponent, int InfinitePower, int MinRoundToEven, int MaxRoundToEven, int SmallestPowerOfTen, int LargestPowerOfTen);

    private static readonly Format DoubleFormat = new(52, -1023, 0x7FF, -4, 23, -342, 308);
    private static readonly Format SingleFormat = new(23, -127, 0xFF, -17, 10, -64, 38);

    /// <summary>Bits of the positive double nearest to w × 10^q (w ≠ 0), or false when undecided.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryDouble(ulong w, long q, out ulong bits) => TryCompute(w, q, DoubleFormat, out bits);

    /// <summary>Bits of the positive float nearest to w × 10^q (w ≠ 0), or false when undecided.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TrySingle(ulong w, long q, out uint bits)
    {
        bool decided = TryCompute(w, q, SingleFormat, out ulong wide);
        bits = (uint)wide;
        return decided;
    }

    private static bool TryCompute(ulong w, long q, in Format format, out ulong bits)
    {
        if (q < format.SmallestPowerOfTen)
        {
            bits = 0;
            return true;
        }

        if (q > format.LargestPowerOfTen)
        {
            bits = (ulong)format.InfinitePower << format.MantissaBits;
            return true;
        }

        int exponent10 = (int)q;
        int leadingZeros = BitOperations.LeadingZeroCount(w);
        w <<= leadingZeros;

        // w × 5^q, high 128 bits; the second word only matters when the first product's spare bits are all ones.
        int index = (exponent10 - SmallestPowerOfFive) * 2;
        ulong high = Math.BigMul(w, PowersOfFive[index], out ulong low);
        ulong precisionMask = ulong.MaxValue >> (format.MantissaBits + 3);
        if ((high & precisionMask) == precisionMask)
        {
            ulong secondHigh = Math.BigMul(w, PowersOfFive[index + 1], out _);
            low += secondHigh;
            if (secondHigh > low)
            {
                high++;
            }
        }

        if (low == ulong.MaxValue)
        {
            // The truncated tail could carry into the rounding bits: let the exact parser decide.
            bits = 0;
            return false;
        }

        int upperBit = (int)(high >> 63);
        int shift = upperBit + 64 - format.MantissaBits - 3;
        ulong mantissa = high >> shift;
        int power2 = FloorLog2Pow10Plus63(exponent10) + upperBit - leadingZeros - format.MinimumExponent;

        if (power2 <= 0)
        {
            // Subnormal (or zero): shift into place, round half up (no exact ties this far from 1).
            if (-power2 + 1 >= 64)
            {
                bits = 0;
                return true;
            }

            mantissa >>= -power2 + 1;
            mantissa += mantissa & 1;
            mantissa >>= 1;
            power2 = mantissa < (1UL << format.MantissaBits) ? 0 : 1;
            bits = mantissa | ((ulong)power2 << format.MantissaBits);
            return true;
        }

        // Exactly halfway and representable (small q only): round to even instead of up.
        if (low <= 1 && exponent10 >= format.MinRoundToEven && exponent10 <= format.MaxRoundToEven
            && (mantissa & 3) == 1 && (mantissa << shift) == high)
        {
            mantissa &= ~1UL;
        }

        mantissa += mantissa & 1;
        mantissa >>= 1;
        if (mantissa >= (2UL << format.MantissaBits))
        {
            mantissa = 1UL << format.MantissaBits;
            power2++;
        }

        mantissa &= ~(1UL << format.MantissaBits);
        if (power2 >= format.InfinitePower)
        {
            bits = (ulong)format.InfinitePower << format.MantissaBits;
            return true;
        }

        bits = mantissa | ((ulong)power2 << format.MantissaBits);
        return true;
    }

    // floor(q · log2 10) + 63 = floor(log2 5^q) + q + 63.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FloorLog2Pow10Plus63(int q) => (((152170 + 65536) * q) >> 16) + 63;

    private static ulong[] BuildPowersOfFive()
    {
        var table = new ulong[(LargestPowerOfFive - SmallestPowerOfFive + 1) * 2];
        BigInteger two128 = BigInteger.One << 128;
        for (int q = SmallestPowerOfFive; q <= LargestPowerOfFive; q++)
        {
            BigInteger value;
            if (q >= 0)
            {
                value = BigInteger.Pow(5, q);
                long length = (long)value.GetBitLength();
                value = length <= 128 ? value << (int)(128 - length) : value >> (int)(length - 128);
            }
            else
            {
                // A reciprocal 2^b / 5^−q rounded up, kept to its top 128 bits.
                BigInteger power = BigInteger.Pow(5, -q);
                int z = (int)power.GetBitLength();
                int b = q >= -27 ? z + 127 : (2 * z) + 128;
                value = (BigInteger.One << b) / power + 1;
                while (value >= two128)
                {
                    value >>= 1;
                }
            }

            int index = (q - SmallestPowerOfFive) * 2;
            table[index] = (ulong)(value >> 64);
            table[index + 1] = (ulong)(value & ulong.MaxValue);
        }

        return table;
    }
}
