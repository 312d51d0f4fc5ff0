using ServingBench.Models.Architectures;

namespace ServingBench.Models.Store;

/// <summary>
/// The <c>models</c> verb: <c>build [model...] [--tiny]</c> builds missing or stale models, <c>list</c> shows
/// what models/ holds and where each model comes from, <c>verify</c> re-hashes cached builds and re-reads exports.
/// </summary>
public static class ModelsCommand
{
    public static int Run(string[] args) => Run(args, ModelStore.Default(), Console.Out);

    public static int Run(string[] args, ModelStore store, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        string verb = args.Length == 0 ? "list" : args[0].ToLowerInvariant();
        var size = args.Contains("--tiny") ? ModelSize.Tiny : ModelSize.Real;
        ModelKind[] kinds;
        try
        {
            var named = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
            kinds = named.Length == 0 ? Enum.GetValues<ModelKind>() : named.Select(ModelArchitecture.ParseKind).ToArray();
        }
        catch (ArgumentException ex)
        {
            output.WriteLine(ex.Message);
            return 2;
        }

        output.WriteLine($"models folder: {store.Root}");
        switch (verb)
        {
            case "build":
                foreach (var kind in kinds)
                {
                    var model = store.Resolve(kind, size, new SynchronousProgress(output));
                    output.WriteLine($"{kind}: {Describe(model)}");
                }

                return 0;
            case "list":
                foreach (var kind in kinds)
                {
                    var architecture = ModelArchitecture.Create(kind, size);
                    string directory = Path.Combine(store.CacheDirectory, architecture.Name);
                    var export = size == ModelSize.Real ? store.FindExport(kind) : null;
                    output.WriteLine(export is not null
                        ? $"{kind}: {Describe(export)}"
                        : $"{kind}: {(store.IsCurrent(architecture, directory, fullCheck: false) ? "generated, built" : "generated, not built yet (built on first use)")} — {architecture.CountParameters():N0} parameters, {directory}");
                }

                return 0;
            case "verify":
                int failures = 0;
                foreach (var kind in kinds)
                {
                    try
                    {
                        var export = size == ModelSize.Real ? store.FindExport(kind) : null;
                        var architecture = ModelArchitecture.Create(kind, size);
                        string directory = Path.Combine(store.CacheDirectory, architecture.Name);
                        string verdict = export is not null ? $"export OK ({Describe(export)})"
                            : !Directory.Exists(directory) ? "not built"
                            : store.IsCurrent(architecture, directory, fullCheck: true) ? "checksums OK" : "STALE OR DAMAGED (rebuilt on next use)";
                        failures += verdict.StartsWith("STALE", StringComparison.Ordinal) ? 1 : 0;
                        output.WriteLine($"{kind}: {verdict}");
                    }
                    catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
                    {
                        failures++;
                        output.WriteLine($"{kind}: {ex.Message}");
                    }
                }

                return failures == 0 ? 0 : 1;
            default:
                output.WriteLine($"unknown models command '{args[0]}'; usage: models [build|list|verify] [resnet50|wav2vec2|bart ...] [--tiny]");
                return 2;
        }
    }

    private static string Describe(ResolvedModel model) =>
        $"{(model.Source == ModelSource.UserExport ? "real export" : "generated")} in {model.Directory}: "
        + string.Join("; ", model.Files.Select(f => $"{Path.GetFileName(f.Path)} {string.Join(",", f.Inputs.Select(i => i.Name).Take(3))}{(f.Inputs.Count > 3 ? $" (+{f.Inputs.Count - 3})" : "")} → {string.Join(",", f.Outputs.Select(o => o.Name).Take(2))}{(f.Outputs.Count > 2 ? $" (+{f.Outputs.Count - 2})" : "")}"));

    /// <summary>Progress that prints on the calling thread (Progress&lt;T&gt; posts to the thread pool and can print late).</summary>
    private sealed class SynchronousProgress(TextWriter output) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine(value);
    }
}
