using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ServingBench.Wire.Text;

/// <summary>
/// The hot case of float32 request text in one fused step: shortest digits (Schubfach) written straight as
/// "0.000ddd" or "d.ddd", which Ecma and RapidJson spell alike and which is nearly every element of a normalised
/// tensor. Everything else (zero, integers, subnormals, non-finite, |x| ≥ 10, |x| &lt; 1e-5) is left to
/// <see cref="NumberFormatter"/>.
/// </summary>
internal static class SingleFixedText
{
    /// <summary>Bytes this writer may touch at the destination (sign, "0.00000", nine digits).</summary>
    public const int MaxWritten = 17;

    private const ulong ZeroPointZeros = 0x3030_3030_3030_2E30; // "0.000000", little-endian
    private const ulong AsciiZeros = 0x3030_3030_3030_3030;

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="destination"/> when it has the fixed "0.ddd"/"d.ddd"
    /// form; returns the length, or 0 (having written nothing useful) when the general layout is needed.
    /// Up to <see cref="MaxWritten"/> bytes may be written either way; the caller owns them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryWrite(float value, ref byte destination)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint magnitude = bits & 0x7FFF_FFFF;
        if (magnitude - 0x0080_0000u >= 0x7F80_0000u - 0x0080_0000u)
        {
            return 0; // zero, subnormal, Infinity, NaN
        }

        uint significand = Schubfach.SingleUntrimmed(magnitude, out int exponent);
        int digitCount = DigitText.CountDigits(significand);
        int n = digitCount + exponent; // value = 0.d1d2… × 10^n
        if ((uint)(n + 5) > 6)
        {
            return 0; // outside −5 ≤ n ≤ 1: exponent form, or several integer digits
        }

        // The digits padded to nine: a lead digit and eight more, whose zero bytes at the top are trailing zeros.
        uint nine = significand * (uint)DigitText.PowerOfTen(9 - digitCount);
        uint lead = nine / 100_000_000;
        ulong rest = EightDigits(nine - (lead * 100_000_000));
        int k = 9 - (BitOperations.LeadingZeroCount(rest) >> 3);
        if (((n ^ 1) | (k ^ 1)) == 0)
        {
            return 0; // a one-digit integer: "3" or "3.0" depending on the style
        }

        // One shape for both cases, without branches (the sign is kept or overwritten likewise):
        // "0.000" + lead + rest for n ≤ 0, and for n = 1 lead over the '0' and rest one place further right.
        int sign = (int)(bits >> 31);
        int units = (int)Flag(n == 1);
        destination = (byte)'-';
        ref byte d = ref Unsafe.Add(ref destination, sign);
        Unsafe.WriteUnaligned(ref d, ZeroPointZeros);
        int leadAt = (2 - n) & (units - 1);
        Unsafe.Add(ref d, leadAt) = (byte)('0' + lead);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, leadAt + 1 + units), rest | AsciiZeros);
        return sign + 2 - n + k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Flag(bool condition) => condition ? 1u : 0u;

    /// <summary>
    /// The eight decimal digits of <paramref name="value"/> (below 10^8, zero-padded) as byte values 0–9, first
    /// digit in the lowest byte: split 4+4, then 2+2, then 1+1 in parallel lanes by multiply-and-shift.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong EightDigits(uint value)
    {
        uint high = value / 10_000;
        ulong merged = high | ((ulong)(value - (high * 10_000)) << 32);
        ulong hundreds = ((merged * 10_486) >> 20) & 0x0000_007F_0000_007F; // x / 100 for x < 43,699
        merged = hundreds | ((merged - (hundreds * 100)) << 16);
        ulong tens = ((merged * 103) >> 10) & 0x000F_000F_000F_000F; // x / 10 for x < 179
        return tens | ((merged - (tens * 10)) << 8);
    }
}
