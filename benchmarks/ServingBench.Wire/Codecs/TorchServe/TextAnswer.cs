using ServingBench.Wire.Codecs.Json;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// A one-member text answer, <c>{"transcript": "…"}</c> or <c>{"summary": "…"}</c>, read into one BYTES [1] tensor
/// named <see cref="Key"/>. <see cref="Aliases"/> are the names other handlers give the same member (Hugging Face
/// pipelines answer <c>summary_text</c>); members beside it (a pipeline's <c>output_ids</c>) are skipped.
/// </summary>
public sealed class TextAnswer(string key, params string[] aliases) : StockAnswerForm
{
    /// <summary>The member the suite's handlers write, and the name of the decoded tensor.</summary>
    public string Key { get; } = key;

    public IReadOnlyList<string> Aliases { get; } = aliases;

    public override string Description => $"a \"{Key}\" text";

    public void Write(string text, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(body);
        var output = new JsonOutput(body);
        output.Raw("{\n  "u8);
        output.String(System.Text.Encoding.UTF8.GetBytes(Key), asciiOnly: true);
        output.Raw(": "u8);
        output.String(System.Text.Encoding.UTF8.GetBytes(text), asciiOnly: true);
        output.Raw("\n}"u8);
        output.Flush();
    }

    public override bool IsAnswer(InferenceResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Outputs.Count > 0 && response.Outputs[0].Name == Key && response.Outputs[0].DataType == DataType.Bytes;
    }

    public override bool TryRead(ReadOnlySpan<byte> body, string modelName, out InferenceResponse response)
    {
        string? text = null;
        ReadMembers(body, (string name, ref JsonInput json) =>
        {
            if (text is not null || json.PeekRequired() != '"' || (name != Key && !Aliases.Contains(name)))
            {
                return false;
            }

            text = json.ReadString();
            return true;
        });

        if (text is null)
        {
            response = null!;
            return false;
        }

        response = new InferenceResponse
        {
            ModelName = modelName,
            Outputs = [Tensor.FromBytesElements(Key, [1], [System.Text.Encoding.UTF8.GetBytes(text)])],
        };
        return true;
    }
}
