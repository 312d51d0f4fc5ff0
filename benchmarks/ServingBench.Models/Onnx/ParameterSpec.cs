namespace ServingBench.Models.Onnx;

/// <summary>A declared weight: trainable parameters count towards the published size, buffers (BN statistics, logit bias) do not.</summary>
public sealed record ParameterSpec(string Name, long[] Shape, bool IsTrainable, bool IsEmitted)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}
