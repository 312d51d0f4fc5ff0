using System.Runtime.InteropServices;
using ServingBench.Payloads;
using ServingBench.Wire.Text;

namespace ServingBench.Serialization;

/// <summary>
/// The numbers one JSON codec really writes and reads, as one run of text: the values, how they are spelled, and
/// the text itself (values joined by commas, as in a JSON array), built from the payload on first use (listing
/// the cases loads nothing).
/// </summary>
public sealed class NumberTextCase
{
    private readonly Lazy<(float[] Values, byte[] Text)> _data;

    private NumberTextCase(string name, Func<Payload, float[]> values, NumberStyle style, bool widen)
    {
        Name = name;
        Style = style;
        Widen = widen;
        _data = new Lazy<(float[], byte[])>(() =>
        {
            float[] floats = values(PayloadFactory.Get(PayloadKind.Resnet50Tensor));
            var text = new byte[NumberTextSubject.TextCapacity(floats.Length)];
            int length = NumberTextSubject.FormatOurs(floats, style, widen, text);
            return (floats, text.AsSpan(0, length).ToArray());
        });
    }

    /// <summary>
    /// The request tensor's elements as every client here writes them (shortest float32 digits; Ecma and
    /// RapidJson spell them alike); the logits as TF Serving answers (float32, printf "%.6g" else "%.9g"); the
    /// logits as Triton answers (widened to double, shortest; Python's repr spells TorchServe's the same).
    /// </summary>
    public static IReadOnlyList<NumberTextCase> All { get; } =
    [
        new("resnet50-tensor/request", p => Floats(p.TensorRequest.Inputs[0]), NumberStyle.Ecma, widen: false),
        new("resnet50-logits/tfserving", p => Floats(p.Response.Outputs[0]), NumberStyle.CPrintfShortest, widen: false),
        new("resnet50-logits/triton", p => Floats(p.Response.Outputs[0]), NumberStyle.RapidJson, widen: true),
    ];

    public string Name { get; }

    public NumberStyle Style { get; }

    /// <summary>Printed as the double the float widens to (Triton, TorchServe), not as a float.</summary>
    public bool Widen { get; }

    /// <summary>The float32 elements; each reads back from <see cref="Text"/> as itself.</summary>
    public float[] Values => _data.Value.Values;

    /// <summary>The values' text, comma-separated, as the codecs write it.</summary>
    public byte[] Text => _data.Value.Text;

    public override string ToString() => Name;

    private static float[] Floats(ServingBench.Wire.Tensors.Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.Data.Span).ToArray();
}
