using System.Globalization;

namespace ServingBench.Wire.Text;

/// <summary>
/// Decimal digits from .NET's own formatter (shortest "R", and correctly rounded "E" with ties to even): slow
/// but exact. The fast paths fall back to it for the rare cases they do not cover.
/// </summary>
internal static class ReferenceDecimal
{
    public static DecimalDigits ShortestSingle(float value) => FromText(value.ToString("R", CultureInfo.InvariantCulture), 0);

    public static DecimalDigits ShortestDouble(double value) => FromText(value.ToString("R", CultureInfo.InvariantCulture), 0);

    /// <summary>The value rounded to <paramref name="precision"/> significant digits, as printf "%.{precision}g" would.</summary>
    public static DecimalDigits RoundedSingle(float value, int precision) =>
        FromText(value.ToString(Exponential(precision), CultureInfo.InvariantCulture), precision);

    /// <inheritdoc cref="RoundedSingle"/>
    public static DecimalDigits RoundedDouble(double value, int precision) =>
        FromText(value.ToString(Exponential(precision), CultureInfo.InvariantCulture), precision);

    private static string Exponential(int precision) => precision switch
    {
        6 => "E5",
        9 => "E8",
        17 => "E16",
        _ => "E" + (precision - 1).ToString(CultureInfo.InvariantCulture),
    };

    // Reads "123.45", "1E+23", "1.5E-05" (sign ignored) into significand and exponent.
    private static DecimalDigits FromText(string text, int precision)
    {
        ulong significand = 0;
        int exponent = 0;
        bool afterPoint = false;
        int i = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c is >= '0' and <= '9')
            {
                significand = (significand * 10) + (ulong)(c - '0');
                if (afterPoint)
                {
                    exponent--;
                }
            }
            else if (c == '.')
            {
                afterPoint = true;
            }
            else if (c is 'E' or 'e')
            {
                exponent += int.Parse(text.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
        }

        return DecimalDigits.Trimmed(significand, exponent, precision);
    }
}
