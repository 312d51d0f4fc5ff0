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

    /// <summary>
    /// Writes the low <paramref name="digitCount"/> digits of <paramref name="value"/> (zero-padded on the left)
    /// at <paramref name="destination"/>, two at a time. The caller guarantees the room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteDigits(ref byte destination, ulong value, int digitCount)
    {
        ref byte pairs = ref MemoryMarshal.GetReference(TwoDigitPairs);
        while (value > uint.MaxValue && digitCount >= 2)
        {
            ulong quotient = value / 100;
            digitCount -= 2;
            WritePair(ref Unsafe.Add(ref destination, digitCount), ref pairs, (uint)(value - (quotient * 100)));
            value = quotient;
        }

        uint small = (uint)value;
        while (digitCount >= 2)
        {
            uint quotient = small / 100;
            digitCount -= 2;
            WritePair(ref Unsafe.Add(ref destination, digitCount), ref pairs, small - (quotient * 100));
            small = quotient;
        }

        if (digitCount == 1)
        {
            destination = (byte)('0' + small);
        }
    }

    /// <summary>
    /// Writes the <paramref name="digitCount"/> digits of a significand (at most 17) at <paramref name="destination"/>,
    /// padded with zeros on the right to 9 or 17 digits so that the work does not depend on the length (a varying
    /// loop count costs a mispredicted branch per number). Up to 17 bytes are written; the caller owns them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteSignificand(ref byte destination, ulong significand, int digitCount)
    {
        ref byte pairs = ref MemoryMarshal.GetReference(TwoDigitPairs);
        if (digitCount <= 9)
        {
            uint nine = (uint)(significand * PowersOfTen[9 - digitCount]);
            uint lead = nine / 100_000_000;
            destination = (byte)('0' + lead);
            WriteEight(ref Unsafe.Add(ref destination, 1), ref pairs, nine - (lead * 100_000_000));
            return;
        }

        ulong seventeen = significand * PowersOfTen[17 - digitCount];
        ulong high = seventeen / 100_000_000;
        uint low = (uint)(seventeen - (high * 100_000_000));
        uint first = (uint)high / 100_000_000;
        destination = (byte)('0' + first);
        WriteEight(ref Unsafe.Add(ref destination, 1), ref pairs, (uint)high - (first * 100_000_000));
        WriteEight(ref Unsafe.Add(ref destination, 9), ref pairs, low);
    }

    // Eight digits (zero-padded) as four independent pairs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteEight(ref byte destination, ref byte pairs, uint value)
    {
        uint high = value / 10_000;
        uint low = value - (high * 10_000);
        uint highHigh = high / 100;
        uint lowHigh = low / 100;
        WritePair(ref destination, ref pairs, highHigh);
        WritePair(ref Unsafe.Add(ref destination, 2), ref pairs, high - (highHigh * 100));
        WritePair(ref Unsafe.Add(ref destination, 4), ref pairs, lowHigh);
        WritePair(ref Unsafe.Add(ref destination, 6), ref pairs, low - (lowHigh * 100));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WritePair(ref byte destination, ref byte pairs, uint pair) =>
        Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref pairs, pair * 2)));
}
