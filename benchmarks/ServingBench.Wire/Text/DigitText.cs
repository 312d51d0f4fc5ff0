using System.Numerics;
using System.Runtime.CompilerServices;

namespace ServingBench.Wire.Text;

/// <summary>Decimal digit counting and writing, two digits per step from a 200-byte table.</summary>
internal static class DigitText
{
    private static ReadOnlySpan<byte> TwoDigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static ReadOnlySpan<ulong> PowersOfTen =>
    [
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000,
        1000000000000, 10000000000000, 100000000000000, 1000000000000000, 10000000000000000,
        100000000000000000, 1000000000000000000, 10000000000000000000,
    ];

    /// <summary>10^<paramref name="exponent"/> for 0 ≤ exponent ≤ 19.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PowerOfTen(int exponent) => PowersOfTen[exponent];

    /// <summary>Number of decimal digits of <paramref name="value"/> (1 for zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountDigits(ulong value)
    {
        // log10 from log2 (1233/4096 ≈ log10 2), then one comparison fixes the estimate; value | 1 counts zero as one digit.
        int estimate = ((64 - BitOperations.LeadingZeroCount(value | 1)) * 1233) >> 12;
        return estimate + ((value | 1) >= PowersOfTen[estimate] ? 1 : 0);
    }

    /// <summary>Writes exactly <paramref name="digitCount"/> digits of <paramref name="value"/> at <paramref name="destination"/>[0..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteDigits(ulong value, int digitCount, Span<byte> destination)
    {
        ref byte pairs = ref Unsafe.AsRef(in TwoDigitPairs[0]);
        int position = digitCount;
        _ = destination[digitCount - 1];
        while (value >= 100)
        {
            ulong quotient = value / 100;
            int pair = (int)(value - (quotient * 100)) * 2;
            value = quotient;
            position -= 2;
            destination[position] = Unsafe.Add(ref pairs, pair);
            destination[position + 1] = Unsafe.Add(ref pairs, pair + 1);
        }

        if (value >= 10)
        {
            int pair = (int)value * 2;
            destination[position - 2] = Unsafe.Add(ref pairs, pair);
            destination[position - 1] = Unsafe.Add(ref pairs, pair + 1);
        }
        else
        {
            destination[position - 1] = (byte)('0' + value);
        }
    }
}
