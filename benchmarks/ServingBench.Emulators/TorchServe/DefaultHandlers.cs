using System.Buffers;
using ServingBench.Payloads.Catalogue;

namespace ServingBench.Emulators.TorchServe;

/// <summary>
/// What TorchServe's stock handlers answer for a file, from the model's output: image_classifier → top-5
/// <c>{label: prob}</c>; the speech and summarisation examples → the transcript and the summary. Each model's catalogue
/// entry holds its handler's postprocessing and answer form (<see cref="CatalogueModel.WriteStockAnswer"/>), which the
/// clients read back.
/// </summary>
public static class DefaultHandlers
{
    public static void WriteAnswer(ModelSignature model, InferenceResponse response, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(response);
        var entry = ModelCatalog.Find(model.Name) ?? throw new InvalidOperationException($"no default handler for model '{model.Name}'");
        entry.WriteStockAnswer(response.Outputs[0], body);
    }
}
