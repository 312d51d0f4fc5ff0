namespace ServingBench.Wire.Text;

/// <summary>Shortest digits that parse back to the same value (non-negative finite input).</summary>
internal static class ShortestDecimal
{
    // Subnormals (rare; Schubfach's two-digit floor would print 5e-324 as 4.9e-324) go to .NET's exact formatter.
    public static DecimalDigits ForSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return bits >= 0x00800000 ? Schubfach.Single(bits) : ReferenceDecimal.ShortestSingle(value);
    }

    public static DecimalDigits ForDouble(double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        return bits >= 0x0010000000000000 ? Schubfach.Double(bits) : ReferenceDecimal.ShortestDouble(value);
    }
}
