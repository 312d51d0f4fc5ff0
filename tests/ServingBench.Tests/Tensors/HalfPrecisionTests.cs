namespace ServingBench.Tests.Tensors;

/// <summary>
/// FP16 and BF16 conversions against references that share no code with them: the BCL's <see cref="Half"/> cast for
/// FP16, and for BF16 (which the BCL lacks) nearest-even chosen by comparing distances in double.
/// </summary>
public class HalfPrecisionTests
{
    [Fact]
    public void Every_Half_Widens_As_The_Bcl_Does()
    {
        var bits = AllPatterns();
        var widened = new float[bits.Length];
        HalfPrecision.FromHalf(bits, widened);
        for (int i = 0; i < bits.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf(bits[i]);
            Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(widened[i]), $"half 0x{bits[i]:X4}");
        }
    }

    [Fact]
    public void Every_Half_Narrows_Back_To_Itself()
    {
        var (bits, _, back) = AllPatternsThereAndBack(HalfPrecision.FromHalf, HalfPrecision.ToHalf);
        for (int i = 0; i < bits.Length; i++)
        {
            bool nan = Half.IsNaN(BitConverter.UInt16BitsToHalf(bits[i]));
            Assert.True(nan ? Half.IsNaN(BitConverter.UInt16BitsToHalf(back[i])) : back[i] == bits[i], $"half 0x{bits[i]:X4} came back as 0x{back[i]:X4}");
        }
    }

    [Fact]
    public void Narrowing_To_Half_Matches_The_Bcl_On_Ties_Neighbours_And_Special_Values()
    {
        var values = HalfBoundaries().Concat(SpecialFloats()).ToArray();
        var narrowed = Narrowed(values, HalfPrecision.ToHalf);
        for (int i = 0; i < values.Length; i++)
        {
            ushort expected = BitConverter.HalfToUInt16Bits((Half)values[i]);
            Assert.True(expected == narrowed[i], $"float 0x{BitConverter.SingleToUInt32Bits(values[i]):X8} ({values[i]:R}): BCL 0x{expected:X4}, ours 0x{narrowed[i]:X4}");
        }
    }

    [Fact]
    public void Narrowing_To_Half_Takes_The_Fast_Path_And_The_General_One_Alike()
    {
        // Blocks of 16 normal values take the short integer path; one zero or subnormal sends its block to the BCL.
        var random = new Random(12345);
        var values = new float[16 * 64];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-20, 18)));
        }

        values[17] = 0f;
        values[40] = 1e-7f;
        Assert.Equal(values.Select(v => BitConverter.HalfToUInt16Bits((Half)v)), Narrowed(values, HalfPrecision.ToHalf));
    }

    [Fact]
    public void Every_BFloat16_Widens_Exactly_And_Narrows_Back()
    {
        var (bits, widened, back) = AllPatternsThereAndBack(HalfPrecision.FromBFloat16, HalfPrecision.ToBFloat16);
        for (int i = 0; i < bits.Length; i++)
        {
            Assert.Equal((uint)bits[i] << 16, BitConverter.SingleToUInt32Bits(widened[i]));
            bool nan = float.IsNaN(widened[i]);
            Assert.True(nan ? back[i] == ((bits[i] & 0x8000) | 0x7FC0) : back[i] == bits[i], $"bf16 0x{bits[i]:X4} came back as 0x{back[i]:X4}");
        }
    }

    [Fact]
    public void Narrowing_To_BFloat16_Rounds_To_Nearest_Even()
    {
        var values = BFloat16Boundaries().Concat(SpecialFloats()).ToArray();
        var narrowed = Narrowed(values, HalfPrecision.ToBFloat16);
        for (int i = 0; i < values.Length; i++)
        {
            ushort expected = ReferenceBFloat16(values[i]);
            Assert.True(expected == narrowed[i], $"float 0x{BitConverter.SingleToUInt32Bits(values[i]):X8}: nearest-even 0x{expected:X4}, ours 0x{narrowed[i]:X4}");
            Assert.Equal(expected, HalfPrecision.ToBFloat16(values[i]));
        }
    }

    [Theory]
    [InlineData(DataType.FP16)]
    [InlineData(DataType.BF16)]
    public void A_Tensor_Keeps_Its_Name_And_Shape_Through_Narrowing_And_Widening(DataType type)
    {
        float[] values = [0.5f, -1.25f, 3f, 0f, 1024f, -0.125f];
        var tensor = Tensor.FromFloats("x", [2, 3], values);
        var narrow = HalfPrecision.Narrow(tensor, type);
        Assert.Equal((type, 12), (narrow.DataType, narrow.Data.Length));
        var wide = HalfPrecision.Widen(narrow);
        Assert.True(wide.ContentEquals(tensor), "values exact in both types come back unchanged");
        Assert.Throws<ArgumentException>(() => HalfPrecision.Narrow(narrow, DataType.FP16));
    }

    private delegate void Widening(ReadOnlySpan<ushort> source, Span<float> destination);

    private delegate void Narrowing(ReadOnlySpan<float> source, Span<ushort> destination);

    private static ushort[] AllPatterns() => [.. Enumerable.Range(0, 65536).Select(i => (ushort)i)];

    /// <summary>Every 16-bit pattern, widened to float and narrowed back again.</summary>
    private static (ushort[] Bits, float[] Widened, ushort[] Back) AllPatternsThereAndBack(Widening widen, Narrowing narrow)
    {
        var bits = AllPatterns();
        var widened = new float[bits.Length];
        var back = new ushort[bits.Length];
        widen(bits, widened);
        narrow(widened, back);
        return (bits, widened, back);
    }

    private static ushort[] Narrowed(float[] values, Narrowing narrow)
    {
        var narrowed = new ushort[values.Length];
        narrow(values, narrowed);
        return narrowed;
    }

    /// <summary>Every finite half as a float, the exact midpoint to the next one (a tie) and the floats either side of it.</summary>
    private static IEnumerable<float> HalfBoundaries()
    {
        for (int i = 0; i < 0x7C00; i++)
        {
            float value = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            float next = (float)BitConverter.UInt16BitsToHalf((ushort)(i + 1));
            float middle = (float)(((double)value + next) / 2); // exact: the midpoint of two halves fits a float
            foreach (float v in new[] { value, middle, MathF.BitDecrement(middle), MathF.BitIncrement(middle) })
            {
                yield return v;
                yield return -v;
            }
        }
    }

    /// <summary>For a spread of BF16 values: the value, the midpoint to the next (a tie) and the floats either side of it.</summary>
    private static IEnumerable<float> BFloat16Boundaries()
    {
        for (int i = 0; i < 0x7F80; i += 7)
        {
            uint bits = (uint)i << 16;
            foreach (uint b in new[] { bits, bits + 0x8000, bits + 0x7FFF, bits + 0x8001, bits + 1, bits + 0xFFFF })
            {
                yield return BitConverter.UInt32BitsToSingle(b);
                yield return BitConverter.UInt32BitsToSingle(b | 0x8000_0000);
            }
        }
    }

    private static IEnumerable<float> SpecialFloats()
    {
        uint[] bits =
        [
            0x7F80_0000, 0xFF80_0000, // ±Inf
            0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0x7FBF_FFFF, 0xFF81_2345, 0x7FFF_FFFF, // quiet and signalling NaNs
            0x0000_0001, 0x8000_0001, 0x0040_0000, 0x007F_FFFF, 0x807F_FFFF, 0x0000_1000, // FP32 subnormals
            0x0000_0000, 0x8000_0000, 0x7F7F_FFFF, 0xFF7F_FFFF, 0x0080_0000, // zeros, largest and smallest normal
            0x477F_E000, 0x477F_EFFF, 0x477F_F000, 0x477F_FFFF, 0x4780_0000, // around 65504 and where FP16 reaches Inf
            0x3880_0000, 0x387F_F000, 0x387F_EFFF, 0x3380_0000, 0x3300_0000, 0x3300_0001, // FP16's normal edge and its smallest subnormal
        ];
        return bits.Select(BitConverter.UInt32BitsToSingle);
    }

    private static ushort ReferenceBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16 & 0x8000) | 0x7FC0);
        }

        uint below = bits & 0xFFFF_0000;
        uint above = below + 0x1_0000;
        double distanceBelow = Math.Abs((double)value - BitConverter.UInt32BitsToSingle(below));
        double distanceAbove = float.IsInfinity(value) ? double.PositiveInfinity : Math.Abs(BitConverter.UInt32BitsToSingle(above) - (double)value);
        if ((above & 0x7FFF_FFFF) == 0x7F80_0000 && !float.IsInfinity(value))
        {
            // Above the largest BF16 the next step is Inf: its distance is measured to where the next finite value would be.
            distanceAbove = Math.Abs(Math.Pow(2, 128) - Math.Abs((double)value));
        }

        bool up = distanceAbove < distanceBelow || (distanceAbove == distanceBelow && (below & 0x1_0000) != 0);
        return (ushort)((up ? above : below) >> 16);
    }
}
