using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

public class NumberStyleGoldenTests
{
    // value, Ecma, RapidJson, CPrintfShortest, Python — worked out from each server's source (see StyleLayout).
    public static TheoryData<double, string, string, string, string> Doubles => new()
    {
        { 3, "3", "3.0", "3.0", "3.0" },
        { 100, "100", "100.0", "100.0", "100.0" },
        { 0.1, "0.1", "0.1", "0.1", "0.1" },
        { 0.1f, "0.10000000149011612", "0.10000000149011612", "0.10000000149011612", "0.10000000149011612" },
        { 0.3f, "0.30000001192092896", "0.30000001192092896", "0.30000001192092896", "0.30000001192092896" },
        { 1e-7, "1e-7", "1e-7", "1e-07", "1e-07" },
        { 1.5e-7, "1.5e-7", "1.5e-7", "1.5e-07", "1.5e-07" },
        { 1e21, "1e+21", "1e21", "1e+21", "1e+21" },
        { 1.5e21, "1.5e+21", "1.5e21", "1.5e+21", "1.5e+21" },
        { 1e20, "100000000000000000000", "100000000000000000000.0", "1e+20", "1e+20" },
        { 123456789, "123456789", "123456789.0", "123456789.0", "123456789.0" },
        { 0.0001, "0.0001", "0.0001", "0.0001", "0.0001" },
        { 0.00001, "0.00001", "0.00001", "1e-05", "1e-05" },
        { 0.000123, "0.000123", "0.000123", "0.000123", "0.000123" },
        { 1e16, "10000000000000000", "10000000000000000.0", "1e+16", "1e+16" },
        { 1e15, "1000000000000000", "1000000000000000.0", "1e+15", "1000000000000000.0" },
        { 9000000, "9000000", "9000000.0", "9e+06", "9000000.0" },
        { 12.34, "12.34", "12.34", "12.34", "12.34" },
        { -12.5, "-12.5", "-12.5", "-12.5", "-12.5" },
        { 1e100, "1e+100", "1e100", "1e+100", "1e+100" },
        { 1.5e300, "1.5e+300", "1.5e300", "1.5e+300", "1.5e+300" },
        { 0.0, "0", "0.0", "0.0", "0.0" },
        { -0.0, "0", "-0.0", "-0.0", "-0.0" },
        { double.Epsilon, "5e-324", "5e-324", "4.94066e-324", "5e-324" },
        { double.MaxValue, "1.7976931348623157e+308", "1.7976931348623157e308", "1.7976931348623157e+308", "1.7976931348623157e+308" },
        { 0.30000000000000004, "0.30000000000000004", "0.30000000000000004", "0.30000000000000004", "0.30000000000000004" },
        { 1.0 / 3, "0.3333333333333333", "0.3333333333333333", "0.33333333333333331", "0.3333333333333333" },
        { 123456.7, "123456.7", "123456.7", "123456.7", "123456.7" },
        { double.NaN, "NaN", "NaN", "NaN", "NaN" },
        { double.PositiveInfinity, "Infinity", "Infinity", "Infinity", "Infinity" },
        { double.NegativeInfinity, "-Infinity", "-Infinity", "-Infinity", "-Infinity" },
    };

    public static TheoryData<float, string, string, string, string> Singles => new()
    {
        { 3f, "3", "3.0", "3.0", "3.0" },
        { 0.1f, "0.1", "0.1", "0.1", "0.1" },
        { 123456789f, "123456790", "123456790.0", "123456792.0", "123456790.0" },
        { 1234567f, "1234567", "1234567.0", "1234567.0", "1234567.0" },
        { 0.1234567f, "0.1234567", "0.1234567", "0.123456702", "0.1234567" },
        { 1e-7f, "1e-7", "1e-7", "1e-07", "1e-07" },
        { 9000000f, "9000000", "9000000.0", "9e+06", "9000000.0" },
        { float.Epsilon, "1e-45", "1e-45", "1.4013e-45", "1e-45" },
        { float.MaxValue, "3.4028235e+38", "3.4028235e38", "3.40282347e+38", "3.4028235e+38" },
        { -0.0f, "0", "-0.0", "-0.0", "-0.0" },
        { -1.5f, "-1.5", "-1.5", "-1.5", "-1.5" },
        { float.NaN, "NaN", "NaN", "NaN", "NaN" },
        { float.NegativeInfinity, "-Infinity", "-Infinity", "-Infinity", "-Infinity" },
    };

    [Theory]
    [MemberData(nameof(Doubles))]
    public void WriteDouble_Matches_Each_Server(double value, string ecma, string rapidJson, string cPrintf, string python)
    {
        AssertEachServer(style => WriteDouble(value, style), ecma, rapidJson, cPrintf, python);
    }

    [Theory]
    [MemberData(nameof(Singles))]
    public void WriteSingle_Matches_Each_Server(float value, string ecma, string rapidJson, string cPrintf, string python)
    {
        AssertEachServer(style => WriteSingle(value, style), ecma, rapidJson, cPrintf, python);
    }

    [Fact]
    public void Powers_Of_Ten_Follow_Ecma_Thresholds()
    {
        for (int exponent = -45; exponent <= 38; exponent++)
        {
            float value = float.Parse($"1e{exponent}", System.Globalization.CultureInfo.InvariantCulture);
            string expected = exponent is >= 0 and <= 20 ? "1" + new string('0', exponent)
                : exponent is < 0 and > -7 ? "0." + new string('0', -exponent - 1) + "1"
                : exponent > 0 ? $"1e+{exponent}" : $"1e{exponent}";
            Assert.Equal(expected, WriteSingle(value, NumberStyle.Ecma));
        }
    }

    [Fact]
    public void Short_Destination_Is_Rejected()
    {
        Assert.Throws<ArgumentException>(() => NumberFormatter.WriteDouble(1, NumberStyle.Ecma, new byte[4]));
    }

    /// <summary>One value written in each server's style, against that server's expected text.</summary>
    private static void AssertEachServer(Func<NumberStyle, string> write, string ecma, string rapidJson, string cPrintf, string python)
    {
        Assert.Equal(ecma, write(NumberStyle.Ecma));
        Assert.Equal(rapidJson, write(NumberStyle.RapidJson));
        Assert.Equal(cPrintf, write(NumberStyle.CPrintfShortest));
        Assert.Equal(python, write(NumberStyle.Python));
    }

    internal static string WriteDouble(double value, NumberStyle style)
    {
        Span<byte> buffer = stackalloc byte[NumberFormatter.MaxLength];
        return System.Text.Encoding.ASCII.GetString(buffer[..NumberFormatter.WriteDouble(value, style, buffer)]);
    }

    internal static string WriteSingle(float value, NumberStyle style)
    {
        Span<byte> buffer = stackalloc byte[NumberFormatter.MaxLength];
        return System.Text.Encoding.ASCII.GetString(buffer[..NumberFormatter.WriteSingle(value, style, buffer)]);
    }
}
