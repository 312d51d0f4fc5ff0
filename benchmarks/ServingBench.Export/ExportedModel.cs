using ServingBench.Models.Store;
using ServingBench.Payloads.Catalogue;

namespace ServingBench.Export;

/// <summary>
/// One catalogue model as the servers get it: its ONNX files (generated or a real export) and the tensors a
/// request fills and an answer holds.
/// </summary>
public sealed class ExportedModel
{
    /// <summary>BART's parts by the names the Python side calls them (servingbench_generation.py).</summary>
    public static IReadOnlyList<(string Part, string FileName)> BartParts { get; } =
    [
        ("encoder", Bart.EncoderFile),
        ("decoder", Bart.DecoderFile),
        ("decoder_with_past", Bart.DecoderWithPastFile),
    ];

    public ExportedModel(ResolvedModel resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        Resolved = resolved;
        // The catalogue's entry names are the model kinds' (resnet50, wav2vec2, bart).
        var entry = ModelCatalog.Get(resolved.Kind.ToString().ToLowerInvariant());
        Name = entry.Name;
        if (IsGenerator)
        {
            // The served summariser's signature: the parts' tensors are the loop's business, not the client's.
            (Input, Output) = (entry.Signature.Inputs[0], entry.Signature.Outputs[0]);
        }
        else
        {
            (Input, Output) = (ServedTensors.FromOnnx(resolved.Files[0].Inputs[0]), ServedTensors.FromOnnx(resolved.Files[0].Outputs[0]));
        }
    }

    public ResolvedModel Resolved { get; }

    /// <summary>The name every server serves it under: the catalogue's, so the suite's clients need no mapping.</summary>
    public string Name { get; }

    /// <summary>BART: input_ids → generated output_ids, a loop over three ONNX files rather than one graph.</summary>
    public bool IsGenerator => Resolved.Kind == ModelKind.Bart;

    public TensorSpec Input { get; }

    public TensorSpec Output { get; }

    /// <summary>The single ONNX file of ResNet50 or Wav2Vec2.</summary>
    public OnnxModelInfo MainFile => Resolved.Files[0];

    /// <summary>BART's three files by part name.</summary>
    public IEnumerable<(string Part, OnnxModelInfo File)> Parts() =>
        BartParts.Select(p => (p.Part, Resolved.Files.Single(f => Path.GetFileName(f.Path) == p.FileName)));
}
