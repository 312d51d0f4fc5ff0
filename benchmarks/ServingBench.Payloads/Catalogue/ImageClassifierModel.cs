using ServingBench.Payloads.Images;
using ServingBench.Payloads.Postprocessing;

namespace ServingBench.Payloads.Catalogue;

/// <summary>
/// An ImageNet classifier behind TorchServe's image_classifier handler (ResNet50; any torchvision classifier exported
/// the same way): pixel_values FP32 [N,3,224,224] → logits FP32 [N,1000]. The handler takes the JPEG, preprocesses it
/// as torchvision does, and answers the top 5 labels.
/// </summary>
internal sealed class ImageClassifierModel(string name) : CatalogueModel(
    new ModelSignature(
        name,
        [new TensorSpec("pixel_values", DataType.FP32, [-1, ImagePreprocessing.Channels, ImagePreprocessing.CropSize, ImagePreprocessing.CropSize])],
        [new TensorSpec("logits", DataType.FP32, [-1, Classes])]) { StockAnswer = Answer },
    "a JPEG image",
    "image/jpeg")
{
    public const int Classes = ImageNetLabels.Count;

    private static readonly TopKAnswer Answer = new(5);

    public override long CheckFile(ModelSignature served, ReadOnlySpan<byte> file)
    {
        ArgumentNullException.ThrowIfNull(served);

        // The stock handler decodes the image (PIL), so a start marker followed by garbage fails there: the marker
        // segments are walked here (microseconds), short of decoding the pixels.
        try
        {
            JpegDecoder.Validate(file, "request body");
        }
        catch (WireFormatException ex)
        {
            throw new WireFormatException($"model '{served.Name}' expects {FileDescription}; the body is not one: {ex.Message}", ex);
        }

        return 0;
    }

    private protected override Tensor PreprocessFiles(ModelSignature served, IReadOnlyList<ReadOnlyMemory<byte>> files, string source)
    {
        var pixels = files.Select(f => ReadFile(served, () => ImagePreprocessing.FromJpeg(f, source))).ToArray();
        return Tensor.FromFloats(served.Inputs[0].Name, [pixels.Length, .. ImagePreprocessing.TensorShape[1..]], Stack(served, pixels, "images of one batch differ in size"));
    }

    /// <summary>Top 5 of the first row's logits with their softmax probabilities (a model with fewer classes names the first ones).</summary>
    public override void WriteStockAnswer(Tensor output, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(output);
        int classes = (int)output.Shape[^1];
        var labels = classes == ImageNetLabels.Count ? ImageNetLabels.All : [.. ImageNetLabels.All.Take(classes)];
        var top = ImageNetTopK.TopK(output.AsSpan<float>()[..classes], labels, Answer.K);
        Answer.Write([.. top.Select(p => (p.Label, p.Probability))], body);
    }
}
