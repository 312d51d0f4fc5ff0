using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Codecs;

/// <summary>
/// What every <see cref="IWireCodec"/> is made of: the scenario whose wire format it speaks and the served model whose
/// signature types the tensors it decodes.
/// </summary>
public abstract class WireCodecBase(Scenario scenario, ModelSignature model)
{
    public Scenario Scenario { get; } = scenario;

    public ModelSignature Model { get; } = model;
}

/// <summary>A codec that reads JSON numbers into tensor bytes, and so owns the scratch buffers for them.</summary>
public abstract class JsonReadingCodecBase(Scenario scenario, ModelSignature model) : WireCodecBase(scenario, model)
{
    /// <summary>Owned by the codec, so by the client or server using it.</summary>
    protected BufferPool Scratch { get; } = new();
}
