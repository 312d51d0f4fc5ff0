namespace ServingBench.Config;

/// <summary>
/// Which batch cells (<see cref="ScenarioCatalog.BatchCells"/>) the Serialization and RoundTrip classes run:
/// <c>SERVINGBENCH_BATCHES</c>. The default keeps <c>--filter '*'</c> within its time budget (README, "Case budget")
/// with the rows that answer the batching question: what a call costs per item at B = 8 and 32 on the raw gRPC tensors
/// and on JSON (Serialization), and one round trip of eight items each way a server batches on the wire (RoundTrip,
/// canned backend). <c>all</c> runs every batch payload in every scenario that carries it; <c>none</c> none of them.
/// </summary>
public sealed class BatchSelection
{
    private readonly Func<Scenario, PayloadKind, bool> _serializes;
    private readonly Func<Scenario, PayloadKind, bool> _roundTrips;

    private BatchSelection(string name, Func<Scenario, PayloadKind, bool> serializes, Func<Scenario, PayloadKind, bool> roundTrips)
    {
        Name = name;
        _serializes = serializes;
        _roundTrips = roundTrips;
    }

    public static BatchSelection Default { get; } = new(
        EncodingSelection.DefaultName,
        static (scenario, payload) => payload.Single == PayloadKind.Resnet50Tensor
            && (scenario == ScenarioCatalog.TritonGrpcRaw || scenario == ScenarioCatalog.TritonRestJson),
        static (scenario, payload) => payload == PayloadKind.Resnet50TensorB8
            && (scenario == ScenarioCatalog.TritonGrpcRaw || scenario == ScenarioCatalog.TfServingRestJsonRow));

    public static BatchSelection All { get; } = new(EncodingSelection.AllName, static (_, _) => true, static (_, _) => true);

    public static BatchSelection None { get; } = new(EncodingSelection.NoneName, static (_, _) => false, static (_, _) => false);

    public string Name { get; }

    /// <summary>The batch cells whose Serialization rows run, in catalogue order.</summary>
    public IEnumerable<(Scenario Scenario, PayloadKind Payload)> SerializationCells() =>
        ScenarioCatalog.BatchCells().Where(c => _serializes(c.Scenario, c.Payload));

    /// <summary>
    /// The batch cells whose RoundTrip rows run. TorchServe's are left out: its wire has no batch, and a round trip of
    /// B separate requests is what the load verb measures (docs/batching.md).
    /// </summary>
    public IEnumerable<(Scenario Scenario, PayloadKind Payload)> RoundTripCells() =>
        ScenarioCatalog.BatchCells().Where(c => c.Scenario.Framework != Framework.TorchServe && _roundTrips(c.Scenario, c.Payload));

    public override string ToString() => Name;

    public static BatchSelection? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        EncodingSelection.DefaultName => Default,
        EncodingSelection.AllName => All,
        EncodingSelection.NoneName => None,
        _ => null,
    };
}
