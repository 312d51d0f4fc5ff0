
namespace ServingBench.Wire.Text;

/// <summary>
/// Shortest round-trip number text, in the style each server writes (see <see cref="NumberStyle"/> and
/// <see cref="StyleLayout"/>). Servers that hold float32 outputs as doubles (Triton's rapidjson writer, Python's
/// json.dumps) print the widened value: reproduce them with <c>WriteDouble((double)value, …)</c>, which gives
/// 0.10000000149011612 for 0.1f. TF Serving prints float32 as float (<see cref="WriteSingle"/>, CPrintfShortest).
/// </summary>
public static class NumberFormatter
{
    /// <summary>
    /// Longest text any style writes for one number (25 bytes in practice). Destinations must be at least this
    /// long: digits are written in fixed-width blocks, so bytes after the returned length may be scribbled on.
    /// </summary>
    public const int MaxLength = 32;

    // printf precisions TF Serving tries: absl::StrCat's six digits, then max_digits10.
    private const int SixDigits = 6;
    private const int SingleMaxDigits = 9;
    private const int DoubleMaxDigits = 17;

    /// <summary>
    /// Writes the shortest text that parses back to <paramref name="value"/> as a float32 (CPrintfShortest: what TF
    /// Serving prints, 6 or 9 significant digits); NaN / Infinity / -Infinity for non-finite.
    /// </summary>
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
        if (style == NumberStyle.CPrintfShortest && digits.Significand != 0)
        {
            int biased = (int)((bits >> 23) & 0xFF);
            ulong c = (bits & 0x7FFFFF) | (biased == 0 ? 0u : 0x800000u);
            int q = (biased == 0 ? 1 : biased) - 150;
            digits = PrintfDigits(digits, SingleMaxDigits, biased == 0, c, q)
                ?? ReferenceDecimal.RoundedSingle(magnitude, digits.DigitCount <= SixDigits ? SixDigits : SingleMaxDigits);
        }

        return StyleLayout.Write(negative, digits, style, destination);
    }

    /// <summary>
    /// Writes the shortest text that parses back to <paramref name="value"/> as a float64 (CPrintfShortest: 6 or 17
    /// significant digits); NaN / Infinity / -Infinity for non-finite.
    /// </summary>
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
        if (style == NumberStyle.CPrintfShortest && digits.Significand != 0)
        {
            int biased = (int)((bits >> 52) & 0x7FF);
            ulong c = (bits & 0xFFFFFFFFFFFFF) | (biased == 0 ? 0UL : 1UL << 52);
            int q = (biased == 0 ? 1 : biased) - 1075;
            digits = PrintfDigits(digits, DoubleMaxDigits, biased == 0, c, q)
                ?? ReferenceDecimal.RoundedDouble(magnitude, digits.DigitCount <= SixDigits ? SixDigits : DoubleMaxDigits);
        }

        return StyleLayout.Write(negative, digits, style, destination);
    }

    /// <summary>
    /// Writes float32 values with <paramref name="separator"/> between them (and before the first too when
    /// <paramref name="separateFirst"/>), as <see cref="WriteSingle"/> would one by one, for as long as the
    /// destination has room for another separator and <see cref="MaxLength"/> bytes: the hot loop of every JSON
    /// request. Ecma and RapidJson runs go 32 values at a time through <see cref="SingleFixedText"/>. Returns how
    /// many values were written and, in <paramref name="written"/>, how many bytes.
    /// </summary>
    public static int WriteSingles(ReadOnlySpan<float> values, scoped ReadOnlySpan<byte> separator, bool separateFirst, NumberStyle style, Span<byte> destination, out int written)
    {
        int room = MaxLength + separator.Length;
        bool fused = style is NumberStyle.Ecma or NumberStyle.RapidJson;
        int position = 0;
        int i = 0;
        int blockRoom = SingleFixedText.BlockSize * room;
        while (fused && values.Length - i >= SingleFixedText.BlockSize && destination.Length - position >= blockRoom)
        {
            position += SingleFixedText.WriteBlock(values.Slice(i, SingleFixedText.BlockSize), separator, i > 0 || separateFirst, destination[position..], GeneralSingle(style));
            i += SingleFixedText.BlockSize;
        }

        for (; i < values.Length && destination.Length - position >= room; i++)
        {
            if (i > 0 || separateFirst)
            {
                separator.CopyTo(destination[position..]);
                position += separator.Length;
            }

            position += WriteSingle(values[i], style, destination[position..]);
        }

        written = position;
        return i;
    }

    private static readonly SingleFixedText.GeneralWriter GeneralEcma = (value, destination) => WriteSingle(value, NumberStyle.Ecma, destination);
    private static readonly SingleFixedText.GeneralWriter GeneralRapidJson = (value, destination) => WriteSingle(value, NumberStyle.RapidJson, destination);

    private static SingleFixedText.GeneralWriter GeneralSingle(NumberStyle style) => style == NumberStyle.Ecma ? GeneralEcma : GeneralRapidJson;

    // TF Serving: "%.6g" if it round-trips, else "%.{max_digits10}g". Six or fewer shortest digits means "%.6g"
    // round-trips, and for normal numbers prints exactly them (their error is far below half a sixth digit;
    // subnormals have less precision: 5e-324 prints as 4.94066e-324); more means it does not. At max_digits10 the
    // shortest digits are the correctly rounded ones; otherwise we must round exactly.
    private static DecimalDigits? PrintfDigits(DecimalDigits shortest, int maxDigits, bool subnormal, ulong c, int q)
    {
        int count = shortest.DigitCount;
        if (count <= SixDigits && !subnormal)
        {
            return shortest with { Precision = SixDigits };
        }

        if (count == maxDigits)
        {
            return shortest with { Precision = maxDigits };
        }

        int precision = count <= SixDigits ? SixDigits : maxDigits;
        return PrecisionDecimal.TryRound(c, q, shortest.PointPosition - 1, precision, out DecimalDigits rounded) ? rounded : null;
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
