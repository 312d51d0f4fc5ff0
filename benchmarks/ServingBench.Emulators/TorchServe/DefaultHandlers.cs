using System.Buffers;
using System.Globalization;
using System.Text;
using Encoding = System.Text.Encoding;
using ServingBench.Payloads;
using ServingBench.Payloads.Text;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Emulators.TorchServe;

/// <summary>
/// What TorchServe's stock handlers answer for a file: image_classifier → top-5 <c>{label: prob}</c>; the speech
/// and summarisation examples → the text. Written as <c>json.dumps(obj, indent=2)</c> does, floats as Python repr.
/// </summary>
public static class DefaultHandlers
{
    /// <summary>facebook/wav2vec2-base-960h's CTC vocabulary by id ("|" separates words; ids 0-3 are specials).</summary>
    private const string CtcVocabulary = "____|ETAONIHSRDLUMWCFGYPBVK'XJQZ";

    public static void WriteAnswer(ModelSignature model, InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(response);
        var output = response.Outputs[0];
        switch (model.Name)
        {
            case ModelCatalog.Resnet50:
                WriteTop5(output, body);
                break;
            case ModelCatalog.Wav2Vec2:
                WriteText(body, "transcript", Transcribe(output));
                break;
            case ModelCatalog.Bart:
                WriteText(body, "summary", BartTokenizer.Fixtures.Decode(Summary(output)));
                break;
            default:
                throw new InvalidOperationException($"no default handler for model '{model.Name}'");
        }
    }

    /// <summary>Softmax in float32 (as torch does), top 5, each probability widened to double and printed as repr.</summary>
    private static void WriteTop5(Tensor logits, IBufferWriter<byte> body)
    {
        var row = logits.AsSpan<float>()[..ImageNetLabels.Count];
        float max = float.MinValue;
        foreach (float value in row)
        {
            max = Math.Max(max, value);
        }

        var probabilities = new float[row.Length];
        float sum = 0;
        for (int i = 0; i < row.Length; i++)
        {
            probabilities[i] = MathF.Exp(row[i] - max);
            sum += probabilities[i];
        }

        var top = Enumerable.Range(0, row.Length).OrderByDescending(i => probabilities[i]).Take(5);
        var text = new StringBuilder("{");
        bool first = true;
        foreach (int index in top)
        {
            text.Append(first ? "\n  " : ",\n  ");
            AppendPythonString(text, ImageNetLabels.Get(index));
            text.Append(": ");
            text.Append(((double)(probabilities[index] / sum)).ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant());
            first = false;
        }

        text.Append("\n}");
        Encoding.UTF8.GetBytes(text.ToString(), body);
    }

    /// <summary>Greedy CTC: argmax per frame, repeats collapsed, blanks dropped, "|" read as a space.</summary>
    private static string Transcribe(Tensor logits)
    {
        var values = logits.AsSpan<float>();
        int classes = (int)logits.Shape[^1];
        int frames = (int)logits.Shape[1];
        var text = new StringBuilder();
        int previous = -1;
        for (int t = 0; t < frames; t++)
        {
            var frame = values.Slice(t * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (frame[c] > frame[best])
                {
                    best = c;
                }
            }

            if (best != previous && best >= 4 && best < CtcVocabulary.Length)
            {
                text.Append(CtcVocabulary[best] == '|' ? ' ' : CtcVocabulary[best]);
            }

            previous = best;
        }

        return text.ToString().Trim();
    }

    private static int[] Summary(Tensor ids) =>
        [.. ids.AsSpan<long>()[..(int)ids.Shape[^1]].ToArray().Where(id => id > 3).Select(id => (int)id)];

    private static void WriteText(IBufferWriter<byte> body, string key, string value)
    {
        var json = new StringBuilder("{\n  ");
        AppendPythonString(json, key);
        json.Append(": ");
        AppendPythonString(json, value);
        json.Append("\n}");
        Encoding.UTF8.GetBytes(json.ToString(), body);
    }

    /// <summary>A string as json.dumps writes it (ensure_ascii=True): quotes, backslashes, controls and non-ASCII escaped, nothing else.</summary>
    private static void AppendPythonString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
