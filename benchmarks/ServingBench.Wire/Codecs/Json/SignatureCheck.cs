namespace ServingBench.Wire.Codecs.Json;

/// <summary>Checks a decoded shape against the model's published spec (the formats that carry no shape of their own).</summary>
internal static class SignatureCheck
{
    public static void Validate(TensorSpec spec, ReadOnlySpan<long> shape)
    {
        bool ok = shape.Length == spec.Shape.Length;
        for (int i = 0; ok && i < shape.Length; i++)
        {
            ok = spec.Shape[i] < 0 || spec.Shape[i] == shape[i];
        }

        if (!ok)
        {
            throw new WireFormatException(
                $"tensor '{spec.Name}' has shape [{string.Join(",", shape.ToArray())}], the model expects [{string.Join(",", spec.Shape)}]");
        }
    }

    /// <summary>A capacity guess for a decode buffer: JSON spends at least ~2 text bytes per binary byte.</summary>
    public static int CapacityHint(int bodyLength) => Math.Clamp(bodyLength / 2, 256, 64 << 20);
}
