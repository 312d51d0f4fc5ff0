namespace ServingBench.Models.Store;

/// <summary>
/// What the app's <c>models</c> verb does to the model store: <see cref="Build"/> missing or stale models,
/// <see cref="List"/> what models/ holds and where each model comes from, <see cref="Verify"/> re-hash cached builds
/// and re-read exports. The verb (benchmarks/ServingBench/Verbs/ModelsVerb.cs) parses the command line.
/// </summary>
public static class ModelStoreOperations
{
    /// <summary>Builds each model that is missing or stale, with progress on <paramref name="output"/>.</summary>
    public static void Build(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output)
    {
        Begin(store, kinds, output);
        foreach (var kind in kinds)
        {
            var model = store.Resolve(kind, size, new SynchronousProgress(output));
            output.WriteLine($"{kind}: {Describe(model)}");
        }
    }

    /// <summary>One line per model: a real export, or the generated model and whether it is built yet.</summary>
    public static void List(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output)
    {
        Begin(store, kinds, output);
        foreach (var kind in kinds)
        {
            var architecture = ModelArchitecture.Create(kind, size);
            string directory = Path.Combine(store.CacheDirectory, architecture.Name);
            var export = size == ModelSize.Real ? store.FindExport(kind) : null;
            output.WriteLine(export is not null
                ? $"{kind}: {Describe(export)}"
                : $"{kind}: {(store.IsCurrent(architecture, directory, fullCheck: false) ? "generated, built" : "generated, not built yet (built on first use)")} — {architecture.CountParameters():N0} parameters, {directory}");
        }
    }

    /// <summary>Checks every model's files in full; returns how many are damaged or unreadable (0: all good).</summary>
    public static int Verify(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output)
    {
        Begin(store, kinds, output);
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

        return failures;
    }

    private static void Begin(ModelStore store, IReadOnlyList<ModelKind> kinds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"models folder: {store.Root}");
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
