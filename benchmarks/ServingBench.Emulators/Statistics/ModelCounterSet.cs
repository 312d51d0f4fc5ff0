namespace ServingBench.Emulators.Statistics;

/// <summary>The counters of every model one emulator serves, created once when it starts (so a scrape lists every model from the start).</summary>
public sealed class ModelCounterSet
{
    private readonly Dictionary<string, ModelCounters> _models;

    public ModelCounterSet(IEnumerable<string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = models.ToDictionary(m => m, m => new ModelCounters(m), StringComparer.Ordinal);
    }

    public IEnumerable<ModelCounters> All => _models.Values;

    public ModelCounters this[string model] => _models[model];
}
