namespace ServingBench.Export.Triton;

/// <summary>
/// The part of Triton's model configuration (protos/vendored/model_config.proto, message inference.ModelConfig)
/// the export sets, written as the protobuf text format Triton reads from config.pbtxt.
/// </summary>
/// <remarks>
/// With <see cref="MaxBatchSize"/> above 0 Triton adds the batch dimension itself, so <see cref="Inputs"/> and
/// <see cref="Outputs"/> hold the dims without it; with 0 they hold the full shape.
/// </remarks>
public sealed record TritonModelConfig
{
    public required string Name { get; init; }

    /// <summary>"onnxruntime_onnx" for the ONNX models; null for a backend model.</summary>
    public string? Platform { get; init; }

    /// <summary>"python" for BART's generation loop; null for the ONNX models.</summary>
    public string? Backend { get; init; }

    public int MaxBatchSize { get; init; }

    public required IReadOnlyList<TensorSpec> Inputs { get; init; }

    public required IReadOnlyList<TensorSpec> Outputs { get; init; }

    /// <summary>dynamic_batching's max_queue_delay_microseconds; null: no dynamic batcher.</summary>
    public long? DynamicBatchingDelayMicroseconds { get; init; }

    /// <summary>instance_group: "KIND_CPU" for the Python model; null lets Triton place the instances.</summary>
    public string? InstanceKind { get; init; }

    /// <summary>instance_group count; null keeps Triton's default.</summary>
    public int? InstanceCount { get; init; }

    public string ToText()
    {
        var text = new StringBuilder();
        Line(text, 0, $"name: {Quote(Name)}");
        if (Platform is not null)
        {
            Line(text, 0, $"platform: {Quote(Platform)}");
        }

        if (Backend is not null)
        {
            Line(text, 0, $"backend: {Quote(Backend)}");
        }

        Line(text, 0, $"max_batch_size: {MaxBatchSize.ToString(CultureInfo.InvariantCulture)}");
        Tensors(text, "input", Inputs);
        Tensors(text, "output", Outputs);
        if (DynamicBatchingDelayMicroseconds is long delay)
        {
            Line(text, 0, "dynamic_batching {");
            Line(text, 1, $"max_queue_delay_microseconds: {delay.ToString(CultureInfo.InvariantCulture)}");
            Line(text, 0, "}");
        }

        if (InstanceKind is not null || InstanceCount is not null)
        {
            Line(text, 0, "instance_group [");
            Line(text, 1, "{");
            if (InstanceCount is int count)
            {
                Line(text, 2, $"count: {count.ToString(CultureInfo.InvariantCulture)}");
            }

            if (InstanceKind is not null)
            {
                Line(text, 2, $"kind: {InstanceKind}");
            }

            Line(text, 1, "}");
            Line(text, 0, "]");
        }

        return text.ToString();
    }

    private static void Tensors(StringBuilder text, string field, IReadOnlyList<TensorSpec> tensors)
    {
        Line(text, 0, $"{field} [");
        for (int i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            Line(text, 1, "{");
            Line(text, 2, $"name: {Quote(tensor.Name)}");
            Line(text, 2, $"data_type: {ServedTensors.TritonConfigName(tensor.DataType)}");
            Line(text, 2, $"dims: [ {string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))} ]");
            Line(text, 1, i + 1 < tensors.Count ? "}," : "}");
        }

        Line(text, 0, "]");
    }

    private static void Line(StringBuilder text, int depth, string content) => text.Append(' ', 2 * depth).Append(content).Append('\n');

    /// <summary>A protobuf text-format string: backslash and double quote escaped, control characters as octal.</summary>
    internal static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            _ = b switch
            {
                (byte)'"' => text.Append("\\\""),
                (byte)'\\' => text.Append("\\\\"),
                < 0x20 or 0x7F => text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0')),
                < 0x80 => text.Append((char)b),
                _ => text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0')),
            };
        }

        return text.Append('"').ToString();
    }
}
