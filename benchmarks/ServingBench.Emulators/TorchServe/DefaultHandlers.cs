using System.Buffers;
using ServingBench.Payloads;
using ServingBench.Payloads.Postprocessing;
using ServingBench.Payloads.Text;
using ServingBench.Wire.Codecs.TorchServe;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Emulators.TorchServe;

/// <summary>
/// What TorchServe's stock handlers answer for a file, from the model's output: image_classifier → top-5
/// <c>{label: prob}</c>; the speech and summarisation examples → the transcript and the summary. The postprocessing
/// is the suite's one implementation (<see cref="ImageNetTopK"/>, <see cref="CtcDecoder"/>, <see cref="BartTokenizer"/>)
/// and the JSON is <see cref="StockAnswers"/>', which the clients read back.
/// </summary>
public static class DefaultHandlers
{
    public static void WriteAnswer(ModelSignature model, InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(response);
        var output = response.Outputs[0];
        switch (model.Name)
        {
            case ModelCatalog.Resnet50:
                int classes = (int)output.Shape[^1];
                var labels = classes == ImageNetLabels.Count ? ImageNetLabels.All : [.. ImageNetLabels.All.Take(classes)];
                var top = ImageNetTopK.TopK(output.AsSpan<float>()[..classes], labels, StockAnswers.TopK);
                StockAnswers.WriteTopK([.. top.Select(p => (p.Label, p.Probability))], body);
                break;
            case ModelCatalog.Wav2Vec2:
                int frames = (int)output.Shape[1];
                StockAnswers.WriteText(StockAnswers.Transcript, CtcDecoder.Decode(output.AsSpan<float>()[..(frames * CtcDecoder.Vocabulary.Count)], frames), body);
                break;
            case ModelCatalog.Bart:
                StockAnswers.WriteText(StockAnswers.Summary, Summarise(output), body);
                break;
            default:
                throw new InvalidOperationException($"no default handler for model '{model.Name}'");
        }
    }

    /// <summary>The first row's generated ids without the special tokens (ids 0-3), detokenised.</summary>
    public static string Summarise(Tensor ids) =>
        BartTokenizer.Fixtures.Decode([.. ids.AsSpan<long>()[..(int)ids.Shape[^1]].ToArray().Where(id => id > 3).Select(id => (int)id)]);
}
