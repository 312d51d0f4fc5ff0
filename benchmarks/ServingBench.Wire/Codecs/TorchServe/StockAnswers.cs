using System.Buffers;
using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Tensors;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// What TorchServe's stock handlers answer for a file, written and read in one place: the image classifier's top-5
/// <c>{label: probability}</c>, and the speech and summarisation examples' <c>{"transcript": …}</c> and
/// <c>{"summary": …}</c>, all as <c>json.dumps(obj, indent=2)</c> writes them (floats as Python repr, ASCII only).
/// A client reads them into typed outputs: <see cref="Labels"/> (BYTES [1,k]) with <see cref="Probabilities"/>
/// (FP32 [1,k]), or one BYTES [1] tensor named <see cref="Transcript"/> or <see cref="Summary"/>.
/// </summary>
public static class StockAnswers
{
    /// <summary>The image classifier's topk.</summary>
    public const int TopK = 5;

    public const string Labels = "labels";
    public const string Probabilities = "probabilities";
    public const string Transcript = "transcript";
    public const string Summary = "summary";

    /// <summary>A top-k answer: labels in order, each probability widened to double as Python prints a torch float.</summary>
    public static void WriteTopK(IReadOnlyList<(string Label, float Probability)> top, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(body);
        var output = new JsonOutput(body);
        output.Byte((byte)'{');
        for (int i = 0; i < top.Count; i++)
        {
            output.Raw(i == 0 ? "\n  "u8 : ",\n  "u8);
            output.String(System.Text.Encoding.UTF8.GetBytes(top[i].Label), asciiOnly: true);
            output.Raw(": "u8);
            output.Double(top[i].Probability, NumberStyle.Python);
        }

        output.Raw("\n}"u8);
        output.Flush();
    }

    /// <summary>A one-member text answer, <c>{"transcript": "…"}</c> or <c>{"summary": "…"}</c>.</summary>
    public static void WriteText(string key, string value, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(body);
        var output = new JsonOutput(body);
        output.Raw("{\n  "u8);
        output.String(System.Text.Encoding.UTF8.GetBytes(key), asciiOnly: true);
        output.Raw(": "u8);
        output.String(System.Text.Encoding.UTF8.GetBytes(value), asciiOnly: true);
        output.Raw("\n}"u8);
        output.Flush();
    }

    /// <summary>True when <paramref name="response"/> holds a decoded stock answer rather than model outputs.</summary>
    public static bool IsStockAnswer(InferenceResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Outputs.Count > 0 && response.Outputs[0].Name is Labels or Transcript or Summary;
    }

    /// <summary>
    /// Reads a stock answer, or returns false (nothing consumed) when <paramref name="body"/> is a JSON object of
    /// another form. Malformed JSON is a <see cref="WireFormatException"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> body, string modelName, out InferenceResponse response)
    {
        var json = new JsonInput(body);
        var labels = new List<ReadOnlyMemory<byte>>();
        var probabilities = new List<float>();
        string? textKey = null;
        string? text = null;
        bool numbersOnly = true;
        if (json.BeginObject())
        {
            do
            {
                string name = json.ReadString();
                json.Expect((byte)':');
                byte next = json.PeekRequired();
                if (next == '"' && textKey is null && labels.Count == 0 && name is Transcript or Summary)
                {
                    (textKey, text) = (name, json.ReadString());
                    continue;
                }

                if (next is (byte)'-' or (>= (byte)'0' and <= (byte)'9'))
                {
                    labels.Add(System.Text.Encoding.UTF8.GetBytes(name));
                    probabilities.Add(json.ReadSingle(allowNonFinite: false));
                    continue;
                }

                numbersOnly = false;
                json.SkipValue();
            }
            while (json.NextMember());
        }

        json.ExpectEnd();
        if (textKey is not null && labels.Count == 0 && numbersOnly)
        {
            response = new InferenceResponse
            {
                ModelName = modelName,
                Outputs = [Tensor.FromBytesElements(textKey, [1], [System.Text.Encoding.UTF8.GetBytes(text!)])],
            };
            return true;
        }

        if (textKey is null && numbersOnly && labels.Count is > 0 and <= TopK)
        {
            response = new InferenceResponse
            {
                ModelName = modelName,
                Outputs =
                [
                    Tensor.FromBytesElements(Labels, [1, labels.Count], labels),
                    Tensor.FromFloats(Probabilities, [1, probabilities.Count], probabilities.ToArray()),
                ],
            };
            return true;
        }

        response = null!;
        return false;
    }
}
