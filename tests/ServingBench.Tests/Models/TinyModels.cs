using ServingBench.Models.Architectures;
using ServingBench.Models.Store;

namespace ServingBench.Tests.Models;

/// <summary>Tiny models built once per test run into a temp folder (a ModelStore with no exports in it).</summary>
public static class TinyModels
{
    private static readonly Lazy<ModelStore> LazyStore = new(() =>
        new ModelStore(Path.Combine(Path.GetTempPath(), "servingbench-tests-models", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static readonly object BuildLock = new();

    public static ModelStore Store => LazyStore.Value;

    public static ResolvedModel Get(ModelKind kind)
    {
        lock (BuildLock)
        {
            return Store.Resolve(kind, ModelSize.Tiny);
        }
    }
}
