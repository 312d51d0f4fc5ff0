using ServingBench.Models.Architectures;
using ServingBench.Models.Store;

namespace ServingBench.Tests.Models;

/// <summary>Tiny models built once per test run into a temp folder (a ModelStore with no exports in it).</summary>
public static class TinyModels
{
    private static readonly Lazy<ModelStore> s_store = new(() =>
        new ModelStore(Path.Combine(Path.GetTempPath(), "servingbench-tests-models", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static readonly object s_lock = new();

    public static ModelStore Store => s_store.Value;

    public static ResolvedModel Get(ModelKind kind)
    {
        lock (s_lock)
        {
            return Store.Resolve(kind, ModelSize.Tiny);
        }
    }
}
