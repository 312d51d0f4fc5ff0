using ServingBench.Export.TfServing;
using ServingBench.Export.TorchServe;
using ServingBench.Export.Triton;
using ServingBench.Models.Store;

namespace ServingBench.Export;

/// <summary>
/// <c>models export</c>: the suite's models (built if missing, a real export in models/ preferred) laid out for the
/// real servers under one folder: <c>triton/</c> (a model repository), <c>torchserve/</c> (a model store and
/// config.properties) and <c>tfserving/</c> (models.config and what to supply). deploy/compose.yaml mounts them.
/// </summary>
public static class ServerExport
{
    public const string TritonFolder = "triton";
    public const string TorchServeFolder = "torchserve";
    public const string TfServingFolder = "tfserving";

    public static void Write(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, ExportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var progress = new LineProgress(output);
        var models = kinds.Select(kind => new ExportedModel(store.Resolve(kind, size, progress))).ToArray();
        Write(models, options, output);
    }

    public static void Write(IReadOnlyList<ExportedModel> models, ExportOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        string root = Path.GetFullPath(options.OutputDirectory);
        string names = string.Join(", ", models.Select(m => m.Name));
        if (options.Servers.Contains(ServerKind.Triton))
        {
            string folder = Path.Combine(root, TritonFolder);
            foreach (string note in TritonRepositoryWriter.Write(folder, models, options))
            {
                output.WriteLine(note);
            }

            output.WriteLine($"triton: model repository {folder} ({names}{(models.Any(m => m.IsGenerator) ? "; bart is a Python-backend loop over bart_encoder, bart_decoder and bart_decoder_with_past" : "")})");
        }

        if (options.Servers.Contains(ServerKind.TorchServe))
        {
            string folder = Path.Combine(root, TorchServeFolder);
            TorchServeStoreWriter.Write(folder, models, options);
            output.WriteLine($"torchserve: model store {Path.Combine(folder, TorchServeStoreWriter.StoreFolder)} ({string.Join(", ", models.Select(TorchServeStoreWriter.ArchiveName))}) and {Path.Combine(folder, TorchServeProperties.FileName)}");
        }

        if (options.Servers.Contains(ServerKind.TfServing))
        {
            string folder = Path.Combine(root, TfServingFolder);
            TfServingLayoutWriter.Write(folder, models, options);
            var missing = models.Where(m => !TfServingLayoutWriter.HasSavedModel(folder, m)).Select(m => m.Name).ToArray();
            output.WriteLine($"tfserving: {Path.Combine(folder, TfServingLayoutWriter.ModelsConfig)}; TF Serving cannot load ONNX, so each model needs a SavedModel in {folder}/<model>/1/"
                + (missing.Length > 0 ? $" (missing: {string.Join(", ", missing)}; see the README.md in each model's folder)" : ""));
        }

        output.WriteLine($"Start them: tools/real-servers.sh up --export {root}   (docs/real-servers.md)");
    }

    /// <summary>Build progress printed on the calling thread, as the models verb prints it.</summary>
    private sealed class LineProgress(TextWriter output) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine(value);
    }
}
