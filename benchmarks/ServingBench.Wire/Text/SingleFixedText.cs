using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ServingBench.Wire.Text;

/// <summary>
/// The hot case of float32 request text, a block at a time: shortest digits (Schubfach) written straight as
/// "0.000ddd" or "d.ddd", which Ecma and RapidJson spell alike and which is nearly every element of a normalised
/// tensor. Everything else (zero, integers, subnormals, non-finite, |x| ≥ 10, |x| &lt; 1e-5) is left to the
/// general path of <see cref="NumberFormatter"/>.
/// </summary>
internal static class SingleFixedText
{
    private const ulong ZeroPointZeros = 0x3030_3030_3030_2E30; // "0.000000", little-endian
    private const ulong AsciiZeros = 0x3030_3030_3030_3030;

    /// <summary>
    /// Writes a block of values in three passes, each value's work independent of the others' (one long chain
    /// per value otherwise limits how many the CPU overlaps): shortest digits, then the digit bytes four values at
    /// a time, then the text, laid end to end with <paramref name="separator"/> between
    /// values (and before the first when <paramref name="separateFirst"/>). A value not in the fixed shape is left
    /// to <paramref name="general"/>, which writes it at the span it is given and returns the length. The caller
    /// guarantees <see cref="BlockRoom"/> bytes per value.
    /// </summary>
    [SkipLocalsInit] // scratch for one block, overwritten before it is read
    public static int WriteBlock(ReadOnlySpan<float> values, scoped ReadOnlySpan<byte> separator, bool separateFirst, Span<byte> destination, GeneralWriter general)
    {
        int count = Math.Min(values.Length, BlockSize);
        values = values[..count];
        Span<uint> nines = stackalloc uint[BlockSize];
        Span<int> points = stackalloc int[BlockSize];
        Span<ulong> leads = stackalloc ulong[BlockSize];
        Span<ulong> rests = stackalloc ulong[BlockSize];
        if (Avx2.IsSupported)
        {
            ShortestDigitsAndSplitFourAtATime(values, nines, points, leads, rests);
        }
        else
        {
            ShortestDigits(values, nines, points);
            SplitNines(nines[..count], leads, rests);
        }

        return WriteText(values, points, leads, rests, separator, separateFirst, destination, general);
    }

    // Pass 1: each value's shortest digits, padded to nine, and its point position n (int.MaxValue: not a normal float).
    private static void ShortestDigits(ReadOnlySpan<float> values, Span<uint> nines, Span<int> points)
    {
        for (int i = 0; i < values.Length; i++)
        {
            uint magnitude = BitConverter.SingleToUInt32Bits(values[i]) & 0x7FFF_FFFF;
            if (magnitude - 0x0080_0000u >= 0x7F80_0000u - 0x0080_0000u)
            {
                nines[i] = 0;
                points[i] = int.MaxValue; // zero, subnormal, Infinity, NaN
                continue;
            }

            uint significand = Schubfach.SingleUntrimmed(magnitude, out int exponent);
            int digitCount = DigitText.CountDigits(significand);
            nines[i] = significand * (uint)DigitText.PowerOfTen(9 - digitCount);
            points[i] = digitCount + exponent;
        }
    }

    // Pass 3: the text of each value end to end, the fixed shape here and anything else through general.
    private static int WriteText(ReadOnlySpan<float> values, ReadOnlySpan<int> points, ReadOnlySpan<ulong> leads, ReadOnlySpan<ulong> rests, scoped ReadOnlySpan<byte> separator, bool separateFirst, Span<byte> destination, GeneralWriter general)
    {
        ref byte start = ref MemoryMarshal.GetReference(destination);
        int position = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0 || separateFirst)
            {
                if (separator.Length == 1)
                {
                    Unsafe.Add(ref start, position++) = separator[0];
                }
                else
                {
                    separator.CopyTo(destination[position..]);
                    position += separator.Length;
                }
            }

            int n = points[i];
            ulong rest = rests[i];
            int k = 9 - (BitOperations.LeadingZeroCount(rest) >> 3);
            if ((uint)(n + 5) > 6 || ((n ^ 1) | (k ^ 1)) == 0)
            {
                position += general(values[i], destination[position..]);
                continue;
            }

            int sign = (int)(BitConverter.SingleToUInt32Bits(values[i]) >> 31);
            int units = (int)Flag(n == 1);
            ref byte d = ref Unsafe.Add(ref start, position);
            d = (byte)'-';
            d = ref Unsafe.Add(ref d, sign);
            Unsafe.WriteUnaligned(ref d, ZeroPointZeros);
            int leadAt = (2 - n) & (units - 1);
            Unsafe.Add(ref d, leadAt) = (byte)('0' + leads[i]);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, leadAt + 1 + units), rest | AsciiZeros);
            position += sign + 2 - n + k;
        }

        return position;
    }

    /// <summary>Values <see cref="WriteBlock"/> takes at a time.</summary>
    public const int BlockSize = 32;

    /// <summary>Writes one value in the general layout at the start of the span; returns its length.</summary>
    public delegate int GeneralWriter(float value, Span<byte> destination);

    // Passes 1 and 2 in AVX2's four 64-bit lanes: Schubfach's four-lane step where all four values are ordinary
    // floats (the scalar step for a group that holds anything else), then padding to nine digits by greedy steps of
    // 10^8, 10^4, 10^2 and 10 (no table lookup, no digit count per value), then the digit bytes. Nothing leaves the
    // lanes between the steps.
    private static void ShortestDigitsAndSplitFourAtATime(ReadOnlySpan<float> values, Span<uint> nines, Span<int> points, Span<ulong> leads, Span<ulong> rests)
    {
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            var magnitudes = Avx2.ConvertToVector256Int64(Vector128.Create(bits[i], bits[i + 1], bits[i + 2], bits[i + 3])).AsUInt64()
                & Vector256.Create(0x7FFF_FFFFUL);
            Vector256<ulong> nine;
            if (Schubfach.TakesFourSingles(magnitudes))
            {
                var (significands, exponents) = Schubfach.FourSinglesUntrimmed(magnitudes);
                nine = PadToNineDigits(significands, out var padding);
                var point = (Vector256.Create(9UL) - padding + exponents).AsInt64();
                Vector256.Narrow(point, point).GetLower().CopyTo(points[i..]);
            }
            else
            {
                ShortestDigits(values.Slice(i, 4), nines.Slice(i, 4), points.Slice(i, 4));
                nine = Avx2.ConvertToVector256Int64(Vector128.Create(nines[i], nines[i + 1], nines[i + 2], nines[i + 3])).AsUInt64();
            }

            var (lead, digits) = FourNinesSplit(nine);
            lead.CopyTo(leads[i..]);
            digits.CopyTo(rests[i..]);
        }

        ShortestDigits(values[i..], nines[i..], points[i..]);
        SplitNines(nines[i..values.Length], leads[i..], rests[i..]);
    }

    // Significands of 1 to 9 digits times the power of ten that makes them nine digits long, and that power's
    // exponent (9 minus the digit count). Greedy: each step multiplies where the value is still short by that much.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> PadToNineDigits(Vector256<ulong> significands, out Vector256<ulong> padding)
    {
        var value = significands;
        padding = Vector256<ulong>.Zero;
        value = PadStep(value, ref padding, 8, 10, 100_000_000);
        value = PadStep(value, ref padding, 4, 100_000, 10_000);
        value = PadStep(value, ref padding, 2, 10_000_000, 100);
        return PadStep(value, ref padding, 1, 100_000_000, 10);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> PadStep(Vector256<ulong> value, ref Vector256<ulong> padding, ulong digits, ulong below, uint factor)
    {
        var shorter = Vector256.LessThan(value.AsInt64(), Vector256.Create((long)below)).AsUInt64();
        padding += shorter & Vector256.Create(digits);
        return Vector256.ConditionalSelect(shorter, Avx2.Multiply(value.AsUInt32(), Vector256.Create(factor)), value);
    }

    // Each nine-digit number (below 10^9) as its lead digit and its other eight digits, one per byte (first in
    // the lowest): the steps of EightDigits, four numbers per step in 64-bit lanes where AVX2 has them.
    private static void SplitNines(ReadOnlySpan<uint> nines, Span<ulong> leads, Span<ulong> rests)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i + 4 <= nines.Length; i += 4)
            {
                var (lead, digits) = FourNinesSplit(Avx2.ConvertToVector256Int64(Vector128.Create(nines[i], nines[i + 1], nines[i + 2], nines[i + 3])).AsUInt64());
                lead.CopyTo(leads[i..]);
                digits.CopyTo(rests[i..]);
            }
        }

        for (; i < nines.Length; i++)
        {
            uint lead = nines[i] / 100_000_000;
            leads[i] = lead;
            rests[i] = EightDigits(nines[i] - (lead * 100_000_000));
        }
    }

    // Four nine-digit numbers, one per 64-bit lane: lead digits, and the other eight digits as bytes (EightDigits' steps).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<ulong> Lead, Vector256<ulong> Digits) FourNinesSplit(Vector256<ulong> nine)
    {
        var toLead = Vector256.Create(0x55E6_3B89UL).AsUInt32(); // x / 10^8 = x * this >> 57 below 10^9
        var hundredMillion = Vector256.Create(100_000_000UL).AsUInt32();
        var toHigh = Vector256.Create(0xD1B7_1759UL).AsUInt32(); // x / 10^4 = x * this >> 45 below 10^8
        var tenThousand = Vector256.Create(10_000UL).AsUInt32();
        var lead = Avx2.Multiply(nine.AsUInt32(), toLead) >> 57;
        var rest = nine - Avx2.Multiply(lead.AsUInt32(), hundredMillion);
        var high = Avx2.Multiply(rest.AsUInt32(), toHigh) >> 45;
        var low = rest - Avx2.Multiply(high.AsUInt32(), tenThousand);
        var merged = (high | (low << 32)).AsUInt32();
        var hundreds = Avx2.ShiftRightLogical(Avx2.MultiplyLow(merged, Vector256.Create(10_486u)), 20) & Vector256.Create(0x7Fu);
        var pairs = (hundreds | ((merged - Avx2.MultiplyLow(hundreds, Vector256.Create(100u))) << 16)).AsUInt16();
        var tens = Avx2.ShiftRightLogical(Avx2.MultiplyLow(pairs, Vector256.Create((ushort)103)), 10) & Vector256.Create((ushort)0xF);
        return (lead, (tens | ((pairs - Avx2.MultiplyLow(tens, Vector256.Create((ushort)10))) << 8)).AsUInt64());
    }

    /// <summary>Bytes per value <see cref="WriteBlock"/> may need: a separator and the longest text of any style.</summary>
    public static int BlockRoom(int separatorLength) => NumberFormatter.MaxLength + separatorLength;

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
