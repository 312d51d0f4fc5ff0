using ServingBench.Wire.Codecs.Json;
using ServingBench.Wire.Text;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// The image classifier's answer, <c>{label: probability}</c> best first, at most <see cref="K"/> labels; read into
/// <see cref="Labels"/> (BYTES [1,k]) and <see cref="Probabilities"/> (FP32 [1,k]). Every member whose value is a
/// probability (a number from 0 to 1) is a label; other members are not part of the answer and are skipped.
/// </summary>
public sealed class TopKAnswer(int k) : StockAnswerForm
{
    public const string Labels = "labels";
    public const string Probabilities = "probabilities";

    /// <summary>How many labels the handler answers at most (the image classifier's topk).</summary>
    public int K { get; } = k;

    public override string Description => $"top-{K} labels";

    /// <summary>Labels in order, each probability widened to double as Python prints a torch float.</summary>
    public void Write(IReadOnlyList<(string Label, float Probability)> top, IBufferWriter<byte> body)
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

    public override bool IsAnswer(InferenceResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Outputs.Count > 0 && response.Outputs[0].Name == Labels;
    }

    public override bool TryRead(ReadOnlySpan<byte> body, string modelName, out InferenceResponse response)
    {
        var labels = new List<ReadOnlyMemory<byte>>();
        var probabilities = new List<float>();
        ReadMembers(body, (string name, ref JsonInput json) =>
        {
            if (json.PeekRequired() is not ((byte)'-' or (>= (byte)'0' and <= (byte)'9')))
            {
                return false;
            }

            float probability = json.ReadSingle(allowNonFinite: false);
            if (probability is >= 0 and <= 1)
            {
                labels.Add(System.Text.Encoding.UTF8.GetBytes(name));
                probabilities.Add(probability);
            }

            return true;
        });

        if (labels.Count is 0 || labels.Count > K)
        {
            response = null!;
            return false;
        }

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
}
