using System.Globalization;
using System.Text;
using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

/// <summary>
/// The float32 parse fast paths: Clinger in double (then rounded to float) must settle values at or near a midpoint
/// between two floats exactly as float.Parse does, the eight-digit fraction step must read every length, and the
/// short form (<see cref="NumberParser.TryParseShortFraction"/>) must agree wherever it takes a token.
/// </summary>
public class SingleParseFastPathTests
{
    private const int Seed = 777; // same seed, repeatable results

    [Theory]
    [InlineData("16777217")] // 2^24 + 1: a midpoint, ties to even
    [InlineData("16777219")]
    [InlineData("0.50000002980232238769531")]
    [InlineData("1.00000005960464477539062")]
    [InlineData("1.0000000596046448")]
    [InlineData("1.0000000596046447")]
    [InlineData("0.1")]
    [InlineData("0.12345678")]
    [InlineData("-2.1179039")]
    [InlineData("0.000012345678")]
    [InlineData("123456789.5")]
    [InlineData("0.1234567890123456789")]
    public void Parses_Like_Float_Parse(string text) => AssertLikeFloatParse(text);

    [Fact]
    public void Midpoints_And_Neighbours_Round_Like_Float_Parse()
    {
        var random = new Random(Seed);
        for (int i = 0; i < 300_000; i++)
        {
            float f = BitConverter.UInt32BitsToSingle((uint)random.Next(0x0080_0000, 0x7F00_0000));
            double next = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(f) + 1);
            double midpoint = (f + next) / 2; // exact in double
            AssertLikeFloatParse(midpoint.ToString("R", CultureInfo.InvariantCulture));
            AssertLikeFloatParse(midpoint.ToString("G17", CultureInfo.InvariantCulture));
            AssertLikeFloatParse(midpoint.ToString("G9", CultureInfo.InvariantCulture));
            AssertLikeFloatParse(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(midpoint) + 1).ToString("R", CultureInfo.InvariantCulture));
            AssertLikeFloatParse(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(midpoint) - 1).ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Fraction_Digits_Of_Every_Length_Read_Exactly()
    {
        var random = new Random(Seed);
        for (int i = 0; i < 200_000; i++)
        {
            bool negative = random.Next(2) == 0;
            int integerDigits = random.Next(0, 4);
            int fractionDigits = random.Next(1, 21);
            var text = new StringBuilder(negative ? "-" : string.Empty);
            text.Append(integerDigits == 0 ? "0" : random.Next(1, (int)Math.Pow(10, integerDigits)).ToString(CultureInfo.InvariantCulture));
            text.Append('.');
            for (int d = 0; d < fractionDigits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }

            if (random.Next(4) == 0)
            {
                text.Append('e').Append(random.Next(-30, 30).ToString(CultureInfo.InvariantCulture));
            }

            text.Append(random.Next(3) switch { 0 => ",", 1 => "]", _ => string.Empty });
            AssertLikeFloatParse(text.ToString());
        }
    }

    [Theory]
    [InlineData("0.80072,")]
    [InlineData("-0.058728695,")]
    [InlineData("-0.0058927536]")]
    [InlineData("7.5]")]
    [InlineData("-2.1179039,")]
    [InlineData("0.1234567890123,")] // 13 fraction digits: the most one 16-byte compare can end
    [InlineData("-0.123456789012,")] // 12 after a sign
    public void The_Short_Form_Takes_What_Tensor_Writers_Write(string text)
    {
        Assert.True(TryShort(text, out float value, out int consumed), text);
        string token = text[..^1];
        Assert.Equal(token.Length, consumed);
        Assert.Equal(float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("12.5,")]               // two integer digits
    [InlineData("1,")]                  // an integer
    [InlineData("1.5e3,")]              // an exponent
    [InlineData("1.5E-3,")]
    [InlineData("-.5,")]                // no integer digit
    [InlineData("05.5,")]               // a leading zero before a digit
    [InlineData("1.,")]                 // no fraction digit
    [InlineData("0.12345678901234,")]   // 14 fraction digits: past the compare
    [InlineData("-0.1234567890123,")]   // 13 after a sign
    [InlineData("NaN,")]
    [InlineData("-Infinity,")]
    public void The_Short_Form_Declines_Every_Other_Form(string text) => Assert.False(TryShort(text, out _, out _), text);

    [Fact]
    public void Both_Digit_Steps_Read_The_Tokens_Integer_For_Every_Sign_And_Length()
    {
        // Every x64 machine this runs on has both; the scalar step is what the others use.
        bool sse = System.Runtime.Intrinsics.X86.Ssse3.IsSupported && System.Runtime.Intrinsics.X86.Sse41.IsSupported;
        var random = new Random(Seed);
        for (int sign = 0; sign <= 1; sign++)
        {
            for (int fractionDigits = 1; fractionDigits <= 13 - sign; fractionDigits++)
            {
                for (int i = 0; i < 2_000; i++)
                {
                    var text = new StringBuilder(sign == 1 ? "-" : string.Empty).Append((char)('0' + random.Next(10))).Append('.');
                    for (int d = 0; d < fractionDigits; d++)
                    {
                        text.Append((char)('0' + random.Next(10)));
                    }

                    ulong expected = ulong.Parse(text.ToString().TrimStart('-').Replace(".", string.Empty), CultureInfo.InvariantCulture);
                    byte[] utf8 = System.Text.Encoding.ASCII.GetBytes(text.Append(",99999999999999999999").ToString());
                    Assert.Equal(expected, NumberParser.ShortFractionMantissa(ref utf8[0], sign, fractionDigits));
                    if (sse)
                    {
                        Assert.Equal(expected, NumberParser.ShortFractionMantissaSse(ref utf8[0], sign, fractionDigits));
                    }
                }
            }
        }
    }

    // The short form needs ShortFractionReach bytes: the text, then digits that must not be read as part of it.
    private static bool TryShort(string text, out float value, out int consumed) =>
        NumberParser.TryParseShortFraction(System.Text.Encoding.ASCII.GetBytes(text + new string('9', NumberParser.ShortFractionReach)), out value, out consumed);

    private static void AssertLikeFloatParse(string text)
    {
        byte[] utf8 = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.True(NumberParser.TryParseSingle(utf8, out float value, out int consumed), text);
        string token = text[..consumed];
        Assert.Equal(text.TrimEnd(',', ']'), token);
        float expected = float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(value), $"{text}: parsed {value:R}, float.Parse {expected:R}");
        if (TryShort(token + ",", out float shortValue, out int shortConsumed))
        {
            Assert.Equal(consumed, shortConsumed);
            Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(shortValue), $"{text}: short form {shortValue:R}, float.Parse {expected:R}");
        }
    }
}
