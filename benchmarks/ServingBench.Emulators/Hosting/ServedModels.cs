using System.Collections.Concurrent;
using ServingBench.Wire.Codecs;

namespace ServingBench.Emulators.Hosting;

/// <summary>The models one emulator serves, and one codec per scenario × model, created once and shared.</summary>
public sealed class ServedModels(IReadOnlyList<ModelSignature> models)
{
    private readonly ConcurrentDictionary<(Scenario, string), IWireCodec> _codecs = new();

    public IReadOnlyList<ModelSignature> All { get; } = models;

    public ModelSignature? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    public IWireCodec Codec(Scenario scenario, ModelSignature model) =>
        _codecs.GetOrAdd((scenario, model.Name), _ => WireCodecs.Create(scenario, model));
}
