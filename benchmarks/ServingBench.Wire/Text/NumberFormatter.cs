using System.Runtime.CompilerServices;

namespace ServingBench.Wire.Text;

/// <summary>Shortest round-trip number text, in the style each server writes (see <see cref="NumberStyle"/>).</summary>
public static class NumberFormatter
{
    /// <summary>Longest text any style writes for one number; destinations must be at least this long.</summary>
    public const int MaxLength = 32;

    // printf precisions TF Serving tries: absl::StrCat's six digits, then max_digits10.
    private const int SixDigits = 6;
    private const int SingleMaxDigits = 9;
    private const int DoubleMaxDigits = 17;

    /// <summary>Writes the shortest text that parses back to <paramref name="value"/> as a float32; NaN / Infinity / -Infinity for non-finite.</summary>
    public static int WriteSingle(float value, NumberStyle style, Span<byte> destination)
    {
        CheckDestination(destination);
        uint bits = BitConverter.SingleToUInt32Bits(value);
        bool negative = (bits >> 31) != 0;
        if ((bits & 0x7F800000) == 0x7F800000)
        {
            return WriteNonFinite(float.IsNaN(value), negative, destination);
        }

        float magnitude = BitConverter.UInt32BitsToSingle(bits & 0x7FFFFFFF);
        DecimalDigits digits = ShortestDecimal.ForSingle(magnitude);
        if (style == NumberStyle.CPrintfShortest)
        {
            digits = PrintfDigits(digits, SingleMaxDigits, (bits & 0x7F800000) == 0, magnitude, static (v, p) => ReferenceDecimal.RoundedSingle(v, p));
        }

        return StyleLayout.Write(negative, digits, style, destination);
    }

    /// <summary>Writes the shortest text that parses back to <paramref name="value"/> as a float64; NaN / Infinity / -Infinity for non-finite.</summary>
    public static int WriteDouble(double value, NumberStyle style, Span<byte> destination)
    {
        CheckDestination(destination);
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        bool negative = (bits >> 63) != 0;
        if ((bits & 0x7FF0000000000000) == 0x7FF0000000000000)
        {
            return WriteNonFinite(double.IsNaN(value), negative, destination);
        }

        double magnitude = BitConverter.UInt64BitsToDouble(bits & 0x7FFFFFFFFFFFFFFF);
        DecimalDigits digits = ShortestDecimal.ForDouble(magnitude);
        if (style == NumberStyle.CPrintfShortest)
        {
            digits = PrintfDigits(digits, DoubleMaxDigits, (bits & 0x7FF0000000000000) == 0, magnitude, static (v, p) => ReferenceDecimal.RoundedDouble(v, p));
        }

        return StyleLayout.Write(negative, digits, style, destination);
    }

    // TF Serving: "%.6g" if it round-trips, else "%.{max_digits10}g". Six or fewer shortest digits means "%.6g"
    // round-trips, and for normal numbers prints exactly them (their error is far below half a sixth digit;
    // subnormals have less precision: 5e-324 prints as 4.94066e-324); more means it does not. At max_digits10 the
    // shortest digits are the correctly rounded ones; otherwise we must round exactly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DecimalDigits PrintfDigits<T>(DecimalDigits shortest, int maxDigits, bool subnormal, T magnitude, Func<T, int, DecimalDigits> roundExactly)
    {
        int count = shortest.DigitCount;
        if (count <= SixDigits)
        {
            return subnormal ? roundExactly(magnitude, SixDigits) : shortest with { Precision = SixDigits };
        }

        return count == maxDigits ? shortest with { Precision = maxDigits } : roundExactly(magnitude, maxDigits);
    }

    private static int WriteNonFinite(bool isNaN, bool negative, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = isNaN ? "NaN"u8 : negative ? "-Infinity"u8 : "Infinity"u8;
        text.CopyTo(destination);
        return text.Length;
    }

    private static void CheckDestination(Span<byte> destination)
    {
        if (destination.Length < MaxLength)
        {
            throw new ArgumentException($"Number text needs a destination of at least {MaxLength} bytes, got {destination.Length}.", nameof(destination));
        }
    }
}
