namespace ServingBench.Wire.Text;

/// <summary>Shortest digits that parse back to the same value (non-negative finite input).</summary>
internal static class ShortestDecimal
{
    public static DecimalDigits ForSingle(float value) => ReferenceDecimal.ShortestSingle(value);

    public static DecimalDigits ForDouble(double value) => ReferenceDecimal.ShortestDouble(value);
}
