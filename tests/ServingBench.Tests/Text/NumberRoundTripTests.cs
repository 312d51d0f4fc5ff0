using System.Globalization;
using System.Numerics;
using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

/// <summary>Seeded sweeps: our digits against .NET's shortest ("R") and exact ("E") formatting, and our parser against .NET's.</summary>
public class NumberRoundTripTests
{
    private const int Seed = 12345; // same seed, repeatable results

    [Fact]
    public void Random_Float_Bit_Patterns_Round_Trip_With_Shortest_Digits()
    {
        var random = new Random(Seed);
        Span<byte> buffer = stackalloc byte[NumberFormatter.MaxLength];
        for (int i = 0; i < 2_000_000; i++)
        {
            float value = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
            CheckSingle(value, buffer);
        }
    }

    [Fact]
    public void Normal_Distributed_Floats_Round_Trip_With_Shortest_Digits()
    {
        var random = new Random(Seed + 1);
        Span<byte> buffer = stackalloc byte[NumberFormatter.MaxLength];
        for (int i = 0; i < 500_000; i++)
        {
            CheckSingle((float)Gaussian(random), buffer);
        }
    }

    [Fact]
    public void Random_Doubles_And_Widened_Floats_Round_Trip_With_Shortest_Digits()
    {
        var random = new Random(Seed + 2);
        Span<byte> buffer = stackalloc byte[NumberFormatter.MaxLength];
        for (int i = 0; i < 1_000_000; i++)
        {
            double value = (i % 4) switch
            {
                0 => BitConverter.Int64BitsToDouble(random.NextInt64() ^ ((long)random.Next(2) << 63)),
                1 => BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31)),
                2 => (float)Gaussian(random),
                _ => Gaussian(random),
            };
            CheckDouble(value, buffer);
        }
    }

    [Fact]
    public void CPrintf_Style_Matches_Printf_Reference()
    {
        var random = new Random(Seed + 3);
        for (int i = 0; i < 100_000; i++)
        {
            float single = (i % 2) == 0 ? (float)Gaussian(random) : BitConverter.Int32BitsToSingle(random.Next());
            if (float.IsFinite(single))
            {
                Assert.Equal(PrintfReference(single, single.ToString("E5", CultureInfo.InvariantCulture), single.ToString("E8", CultureInfo.InvariantCulture), s => float.Parse(s, CultureInfo.InvariantCulture) == single, 9),
                    NumberStyleGoldenTests.WriteSingle(single, NumberStyle.CPrintfShortest));
            }

            double wide = (i % 3) == 0 ? Gaussian(random) : (i % 3) == 1 ? (float)Gaussian(random) : BitConverter.Int64BitsToDouble(random.NextInt64());
            if (double.IsFinite(wide))
            {
                Assert.Equal(PrintfReference(wide, wide.ToString("E5", CultureInfo.InvariantCulture), wide.ToString("E16", CultureInfo.InvariantCulture), s => double.Parse(s, CultureInfo.InvariantCulture) == wide, 17),
                    NumberStyleGoldenTests.WriteDouble(wide, NumberStyle.CPrintfShortest));
            }
        }
    }

    [Fact]
    public void Subnormals_And_Extremes_Round_Trip()
    {
        Span<byte> buffer = stackalloc byte[NumberFormatter.MaxLength];
        float[] singles = [float.Epsilon, BitConverter.Int32BitsToSingle(0x007FFFFF), BitConverter.Int32BitsToSingle(0x00800000), float.MaxValue, -float.MaxValue, 16777216f, 16777217f, 1e-45f, 3.4028235e38f];
        foreach (float value in singles)
        {
            CheckSingle(value, buffer);
        }

        double[] doubles = [double.Epsilon, BitConverter.Int64BitsToDouble(0x000FFFFFFFFFFFFF), BitConverter.Int64BitsToDouble(0x0010000000000000), double.MaxValue, 9007199254740993, 1e23, 5e-324, 2.2250738585072014e-308];
        foreach (double value in doubles)
        {
            CheckDouble(value, buffer);
        }

        for (int exponent = -45; exponent <= 38; exponent++)
        {
            CheckSingle(float.Parse($"1e{exponent}", CultureInfo.InvariantCulture), buffer);
        }

        for (int exponent = -323; exponent <= 308; exponent++)
        {
            CheckDouble(double.Parse($"1e{exponent}", CultureInfo.InvariantCulture), buffer);
        }
    }

    private static void CheckSingle(float value, Span<byte> buffer) =>
        Check(value, buffer, NumberFormatter.WriteSingle, NumberParser.TryParseSingle, nameof(NumberParser.TryParseSingle));

    private static void CheckDouble(double value, Span<byte> buffer) =>
        Check(value, buffer, NumberFormatter.WriteDouble, NumberParser.TryParseDouble, nameof(NumberParser.TryParseDouble));

    /// <summary>
    /// One finite value through our writer and parser, for float and double alike: .NET reads our text back to the
    /// same value (either zero will do for a zero), the text has no more significant digits than .NET's shortest
    /// ("R"), and our parser reads it as .NET does.
    /// </summary>
    private static void Check<T>(T value, Span<byte> buffer, WriteUtf8<T> write, TryParseUtf8<T> tryParse, string parserName)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value))
        {
            return;
        }

        int length = write(value, NumberStyle.Ecma, buffer);
        string text = System.Text.Encoding.ASCII.GetString(buffer[..length]);
        T reference = T.Parse(text, CultureInfo.InvariantCulture);
        if (reference != value && value != T.Zero)
        {
            Assert.Fail($"{text} parses to {reference:R}, not {value:R}");
        }

        if (SignificantDigits(text) != SignificantDigits(value.ToString("R", CultureInfo.InvariantCulture)))
        {
            Assert.Fail($"{text} is not as short as {value:R}");
        }

        if (!tryParse(buffer[..length], out T parsed, out int consumed) || consumed != length || parsed != reference)
        {
            Assert.Fail($"{parserName}({text}) gave {parsed:R} ({consumed} bytes), .NET {reference:R}");
        }
    }

    private delegate int WriteUtf8<T>(T value, NumberStyle style, Span<byte> destination);

    private delegate bool TryParseUtf8<T>(ReadOnlySpan<byte> utf8, out T value, out int consumed);

    // Digits between the first and last non-zero digit of the mantissa part.
    private static string SignificantDigits(string text)
    {
        int end = text.IndexOfAny(['e', 'E']);
        string mantissa = (end < 0 ? text : text[..end]).Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);
        return mantissa.Trim('0');
    }

    // printf %.6g if it round-trips, else %.{maxDigits}g, then ".0" — written from the C standard's %g rule.
    private static string PrintfReference(double value, string sixDigits, string maxDigitsText, Func<string, bool> roundTrips, int maxDigits)
    {
        string text = roundTrips(sixDigits) ? PercentG(sixDigits, 6) : PercentG(maxDigitsText, maxDigits);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";
    }

    // From .NET "d.dddE+xxx" to printf "%.{precision}g".
    private static string PercentG(string exponential, int precision)
    {
        bool negative = exponential.StartsWith('-');
        string body = negative ? exponential[1..] : exponential;
        int e = body.IndexOf('E', StringComparison.Ordinal);
        string digits = body[..e].Replace(".", "", StringComparison.Ordinal);
        int x = int.Parse(body[(e + 1)..], CultureInfo.InvariantCulture);
        string result;
        if (digits.Trim('0').Length == 0)
        {
            result = "0";
        }
        else if (x < -4 || x >= precision)
        {
            string fraction = digits[1..].TrimEnd('0');
            result = digits[0] + (fraction.Length > 0 ? "." + fraction : "") + "e" + (x < 0 ? "-" : "+") + Math.Abs(x).ToString("00", CultureInfo.InvariantCulture);
        }
        else
        {
            string fixedText = x < 0 ? "0." + new string('0', -x - 1) + digits : digits[..(x + 1)] + "." + digits[(x + 1)..];
            result = fixedText.Contains('.', StringComparison.Ordinal) ? fixedText.TrimEnd('0').TrimEnd('.') : fixedText;
        }

        return negative ? "-" + result : result;
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
