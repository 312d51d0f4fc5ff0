using System.Buffers;
using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

public class SingleFixedTextTests
{
    private const int Seed = 4242; // same seed, repeatable results

    public static TheoryData<float> Edges => new()
    {
        0f, -0f, 1f, -1f, 3f, 9f, 10f, 0.1f, -0.1f, 0.5f, 1.5f, 9.999999f, 1e-5f, 1.0000001e-5f, 9.99999e-6f,
        1e-6f, 0.00001234567f, 0.123456789f, 1.17549435e-38f, float.MaxValue, float.Epsilon, 16777216f,
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 2.1474836E+9f, 0.30000001f, 1.99999988f,
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void Block_Text_Matches_General_Formatter_On_Edges(float value) =>
        AssertSameText(Enumerable.Repeat(value, SingleFixedText.BlockSize + 3).ToArray()); // a block and a tail

    [Fact]
    public void Block_Text_Matches_General_Formatter_On_Random_Bits_And_Pixels()
    {
        var random = new Random(Seed);
        var values = new float[30_000];
        for (int round = 0; round < 33; round++)
        {
            for (int i = 0; i < values.Length; i += 3)
            {
                values[i] = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
                values[i + 1] = (float)((random.NextDouble() * 5) - 2.5); // a normalised image's range
                values[i + 2] = (float)(random.NextDouble() * 1e-3);
            }

            AssertSameText(values);
        }
    }

    [Fact]
    public void Eight_Digits_Split_Every_Value_Correctly()
    {
        var random = new Random(Seed);
        for (int i = 0; i < 2_000_000; i++)
        {
            uint value = i < 100_000 ? (uint)i : i < 200_000 ? 99_999_999u - (uint)i : (uint)random.Next(100_000_000);
            ulong digits = SingleFixedText.EightDigits(value);
            uint back = 0;
            for (int b = 0; b < 8; b++)
            {
                back = (back * 10) + (uint)((digits >> (8 * b)) & 0xFF);
            }

            Assert.Equal(value, back);
        }
    }

    [Theory]
    [InlineData(NumberStyle.Ecma, ",")]
    [InlineData(NumberStyle.RapidJson, ",\n    ")]
    [InlineData(NumberStyle.Python, ", ")]
    [InlineData(NumberStyle.CPrintfShortest, ",")]
    public void Singles_Run_Matches_One_Value_At_A_Time(NumberStyle style, string separator)
    {
        var random = new Random(Seed);
        var values = new float[10_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % 97 == 0 ? BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 0x7F800000)) : (float)((random.NextDouble() * 5) - 2.5);
        }

        byte[] sep = System.Text.Encoding.ASCII.GetBytes(separator);
        var expected = new ArrayBufferWriter<byte>();
        Span<byte> scratch = stackalloc byte[NumberFormatter.MaxLength];
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                expected.Write(sep);
            }

            int n = NumberFormatter.WriteSingle(values[i], style, scratch);
            expected.Write(scratch[..n]);
        }

        var actual = new ArrayBufferWriter<byte>(64); // small, so the run crosses many chunk boundaries
        var output = new JsonOutput(actual);
        output.Singles(values, sep, style, allowNonFinite: false);
        output.Flush();
        Assert.Equal(expected.WrittenSpan.ToArray(), actual.WrittenSpan.ToArray());
    }

    [Fact]
    public void Singles_Run_Rejects_NaN_When_Not_Allowed()
    {
        float[] values = [1.5f, float.NaN];
        var writer = new ArrayBufferWriter<byte>();
        Assert.Throws<ServingBench.Wire.WireFormatException>(() =>
        {
            var output = new JsonOutput(writer);
            output.Singles(values, ","u8, NumberStyle.Ecma, allowNonFinite: false);
        });
    }

    // The block writer (fixed shapes in three passes, the rest through the general path) against the general
    // formatter value by value, in both styles that take the block path.
    private static void AssertSameText(float[] values)
    {
        Span<byte> one = stackalloc byte[NumberFormatter.MaxLength];
        foreach (var style in new[] { NumberStyle.Ecma, NumberStyle.RapidJson })
        {
            var block = new byte[NumberFormatter.MaxLength * (values.Length + 1)];
            Assert.Equal(values.Length, NumberFormatter.WriteSingles(values, ","u8, separateFirst: false, style, block, out int written));
            var expected = new ArrayBufferWriter<byte>();
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0)
                {
                    expected.Write(","u8);
                }

                expected.Write(one[..NumberFormatter.WriteSingle(values[i], style, one)]);
            }

            if (!block.AsSpan(0, written).SequenceEqual(expected.WrittenSpan))
            {
                int at = Math.Max(0, block.AsSpan(0, written).CommonPrefixLength(expected.WrittenSpan) - 16);
                Assert.Fail($"{style}: block text '…{System.Text.Encoding.ASCII.GetString(block.AsSpan(at, 40))}…', general '…{System.Text.Encoding.ASCII.GetString(expected.WrittenSpan[at..Math.Min(expected.WrittenCount, at + 40)])}…'");
            }
        }
    }
}
