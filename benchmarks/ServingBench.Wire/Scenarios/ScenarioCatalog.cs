namespace ServingBench.Wire.Scenarios;

/// <summary>
/// The one place that says which scenarios exist and which payloads each can carry; every benchmark class,
/// test and emulator draws from here.
/// </summary>
public static class ScenarioCatalog
{
    public static readonly Scenario TfServingRestJsonRow = new(Framework.TfServing, Protocol.Rest, Encoding.JsonRow);
    public static readonly Scenario TfServingRestJsonCol = new(Framework.TfServing, Protocol.Rest, Encoding.JsonCol);
    public static readonly Scenario TfServingGrpcTyped = new(Framework.TfServing, Protocol.Grpc, Encoding.Typed);
    public static readonly Scenario TfServingGrpcRaw = new(Framework.TfServing, Protocol.Grpc, Encoding.Raw);
    public static readonly Scenario TorchServeRestRaw = new(Framework.TorchServe, Protocol.Rest, Encoding.Raw);
    public static readonly Scenario TorchServeRestJson = new(Framework.TorchServe, Protocol.Rest, Encoding.Json);
    public static readonly Scenario TorchServeGrpcRaw = new(Framework.TorchServe, Protocol.Grpc, Encoding.Raw);
    public static readonly Scenario TritonRestJson = new(Framework.Triton, Protocol.Rest, Encoding.Json);
    public static readonly Scenario TritonRestBinary = new(Framework.Triton, Protocol.Rest, Encoding.Binary);
    public static readonly Scenario TritonGrpcTyped = new(Framework.Triton, Protocol.Grpc, Encoding.Typed);
    public static readonly Scenario TritonGrpcRaw = new(Framework.Triton, Protocol.Grpc, Encoding.Raw);

    public static IReadOnlyList<Scenario> Scenarios { get; } =
    [
        TfServingRestJsonRow, TfServingRestJsonCol, TfServingGrpcTyped, TfServingGrpcRaw,
        TorchServeRestRaw, TorchServeRestJson, TorchServeGrpcRaw,
        TritonRestJson, TritonRestBinary, TritonGrpcTyped, TritonGrpcRaw,
    ];

    public static IReadOnlyList<PayloadKind> Payloads { get; } =
    [
        PayloadKind.Resnet50Tensor, PayloadKind.Resnet50Jpeg, PayloadKind.Wav2Vec2Audio, PayloadKind.BartText,
    ];

    /// <summary>
    /// Whether a scenario can carry a payload. JPEG bytes go to TorchServe's raw body / input map only: that is
    /// the deployment where the server preprocesses (its image classifier handler); the tensor payloads fit all.
    /// </summary>
    public static bool Supports(Scenario scenario, PayloadKind payload)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(payload);
        return payload != PayloadKind.Resnet50Jpeg
            || (scenario.Framework == Framework.TorchServe && scenario.Encoding == Encoding.Raw);
    }

    /// <summary>Every valid scenario × payload pair, in catalogue order.</summary>
    public static IEnumerable<(Scenario Scenario, PayloadKind Payload)> Cells() =>
        from payload in Payloads
        from scenario in Scenarios
        where Supports(scenario, payload)
        select (scenario, payload);

    public static Scenario ParseScenario(string name) => Scenarios.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Scenarios.Select(s => s.Name))}", nameof(name));

    public static PayloadKind ParsePayload(string name) => Payloads.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown payload '{name}'; known: {string.Join(", ", Payloads.Select(p => p.Name))}", nameof(name));
}
