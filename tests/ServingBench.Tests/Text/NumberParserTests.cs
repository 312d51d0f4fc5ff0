using System.Globalization;
using System.Text;
using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

public class NumberParserTests
{
    private const int Seed = 12345; // same seed, repeatable results

    [Theory]
    [InlineData("0", 1)]
    [InlineData("-0", 2)]
    [InlineData("01", 1)] // JSON has no leading zeros: the number ends after "0"
    [InlineData("1.", 1)]
    [InlineData("1.e5", 1)]
    [InlineData("1e", 1)]
    [InlineData("1e+", 1)]
    [InlineData("1.5e3,", 5)]
    [InlineData("-12.5]", 5)]
    [InlineData("3E-2 ", 4)]
    [InlineData("NaN", 3)]
    [InlineData("Infinity", 8)]
    [InlineData("-Infinity,", 9)]
    public void Token_Length_Follows_Json_Grammar(string text, int expectedLength)
    {
        byte[] utf8 = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.True(NumberParser.TryParseDouble(utf8, out _, out int consumed));
        Assert.Equal(expectedLength, consumed);
        Assert.True(NumberParser.TryParseSingle(utf8, out _, out consumed));
        Assert.Equal(expectedLength, consumed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("-.5")]
    [InlineData("abc")]
    [InlineData("-NaN")]
    [InlineData("Inf")]
    [InlineData("nan")]
    public void Non_Numbers_Are_Refused(string text)
    {
        byte[] utf8 = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.False(NumberParser.TryParseDouble(utf8, out _, out int consumed));
        Assert.Equal(0, consumed);
        Assert.False(NumberParser.TryParseSingle(utf8, out _, out _));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e-400")]
    [InlineData("-1e-400")]
    [InlineData("0.100000001490116119384765625")]
    [InlineData("0.1000000014901161193847656250000000000000000001")]
    [InlineData("1.000000059604644775390625")] // float tie: 1 + 2^-24, to even (1)
    [InlineData("1.000000059604644775390626")]
    [InlineData("1.0000001788139343261718750")] // float tie to even upward
    [InlineData("9007199254740993")] // double tie: 2^53 + 1
    [InlineData("9007199254740995")]
    [InlineData("9007199254740993.0000000000000000001")]
    [InlineData("2.2250738585072011e-308")]
    [InlineData("2.2250738585072012e-308")]
    [InlineData("4.9406564584124654e-324")]
    [InlineData("2.4703282292062327e-324")] // just under half the smallest subnormal
    [InlineData("2.4703282292062328e-324")]
    [InlineData("1.401298464324817e-45")]
    [InlineData("7.006492321624085e-46")]
    [InlineData("7.006492321624086e-46")]
    [InlineData("3.4028235677973366e38")] // float max rounding boundary
    [InlineData("3.4028235677973362e38")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("1.7976931348623159e308")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("0.000000000000000000000000000000000000000000001")]
    [InlineData("1e-45")]
    [InlineData("1e38")]
    [InlineData("1e39")]
    [InlineData("-0.0")]
    [InlineData("0e999999999999999999999")]
    [InlineData("1e-99999999999999999999")]
    [InlineData("1e99999999999999999999")]
    [InlineData("16777217")]
    [InlineData("16777219")]
    public void Edge_Cases_Match_Dotnet(string text) => CheckAgainstDotnet(text);

    [Fact]
    public void Long_Digit_Runs_Parse_Without_Hanging()
    {
        CheckAgainstDotnet("0." + new string('0', 20_000) + "1");
        CheckAgainstDotnet("1" + new string('0', 20_000));
        CheckAgainstDotnet("1" + new string('9', 20_000) + "e-20000");
        CheckAgainstDotnet("0.5" + new string('0', 5_000) + "1"); // just above a tie
    }

    [Fact]
    public void Random_Texts_Match_Dotnet()
    {
        var random = new Random(Seed);
        var builder = new StringBuilder();
        for (int i = 0; i < 300_000; i++)
        {
            builder.Clear();
            if (random.Next(2) == 0)
            {
                builder.Append('-');
            }

            int digits = random.Next(1, 26);
            int point = random.Next(0, digits + 1);
            for (int d = 0; d < digits; d++)
            {
                if (d == point && d > 0)
                {
                    builder.Append('.');
                }

                builder.Append((char)('0' + (d == 0 && (point > 1 || digits == 1) ? random.Next(1, 10) : random.Next(10))));
            }

            if (random.Next(3) > 0)
            {
                builder.Append(random.Next(2) == 0 ? 'e' : 'E');
                builder.Append(random.Next(3) switch { 0 => "", 1 => "+", _ => "-" });
                builder.Append(random.Next(0, 360));
            }

            string text = builder.ToString();
            if (IsJsonNumber(text))
            {
                CheckAgainstDotnet(text);
            }
        }
    }

    [Fact]
    public void Halfway_Points_Between_Floats_Round_To_Even()
    {
        var random = new Random(Seed + 1);
        for (int i = 0; i < 50_000; i++)
        {
            // The exact midpoint of two neighbouring floats, as a double (exact: floats have 24-bit significands).
            float low = BitConverter.Int32BitsToSingle(random.Next(0x00800000, 0x7F000000));
            double mid = ((double)low + (double)BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(low) + 1)) / 2;
            string exact = mid.ToString("E40", CultureInfo.InvariantCulture);
            CheckAgainstDotnet(exact);
        }
    }

    private static void CheckAgainstDotnet(string text)
    {
        byte[] utf8 = System.Text.Encoding.ASCII.GetBytes(text);
        double expectedDouble = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        float expectedSingle = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.True(NumberParser.TryParseDouble(utf8, out double parsedDouble, out int consumed), text);
        Assert.Equal(utf8.Length, consumed);
        Assert.True(BitConverter.DoubleToInt64Bits(expectedDouble) == BitConverter.DoubleToInt64Bits(parsedDouble), $"{text}: {parsedDouble:R} vs .NET {expectedDouble:R}");
        Assert.True(NumberParser.TryParseSingle(utf8, out float parsedSingle, out consumed), text);
        Assert.Equal(utf8.Length, consumed);
        Assert.True(BitConverter.SingleToInt32Bits(expectedSingle) == BitConverter.SingleToInt32Bits(parsedSingle), $"{text}: {parsedSingle:R} vs .NET {expectedSingle:R}");
    }

    private static bool IsJsonNumber(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$");
}
