using ServingBench.Wire.Scenarios;

namespace ServingBench.Serialization;

/// <summary>
/// One row family of the Serialization table: a payload and how it is encoded — a catalogue scenario, or one
/// of the controls that frame it: <c>memcpy</c> (the physical floor: copying the same bytes), <c>naive-json</c>
/// (System.Text.Json over nested arrays, what most users write first; the peer to beat) and
/// <c>google-protobuf</c> (the ratio baseline's messages through the generated classes: what the hand-written
/// tensor codecs save).
/// </summary>
public sealed class SerializationCase : IComparable<SerializationCase>, IComparable
{
    public const string Memcpy = "memcpy";
    public const string NaiveJson = "naive-json";
    public const string GoogleProtobuf = "google-protobuf";

    private SerializationCase(PayloadKind payload, Scenario? scenario, string control, int order)
    {
        Payload = payload;
        Scenario = scenario;
        Encoding = scenario?.Name ?? control;
        Order = order;
    }

    public PayloadKind Payload { get; }

    /// <summary>The catalogue scenario; null for a control row.</summary>
    public Scenario? Scenario { get; }

    /// <summary>The scenario name, or the control's name.</summary>
    public string Encoding { get; }

    /// <summary>Catalogue order, so tables read payload by payload, controls first.</summary>
    public int Order { get; }

    public bool IsControl => Scenario is null;

    /// <summary>
    /// The raw encoding every row of a payload is compared with: Triton's raw gRPC tensors, or for JPEG (which
    /// only TorchServe takes) TorchServe's raw body.
    /// </summary>
    public bool IsRatioBaseline => Scenario is not null && Scenario == BaselineScenario(Payload);

    public static Scenario BaselineScenario(PayloadKind payload) =>
        payload == PayloadKind.Resnet50Jpeg ? ScenarioCatalog.TorchServeRestRaw : ScenarioCatalog.TritonGrpcRaw;

    /// <summary>Every case: per payload, memcpy, naive JSON and stock protobuf (tensor payloads only), then each valid scenario.</summary>
    public static IReadOnlyList<SerializationCase> All { get; } = Build();

    public override string ToString() => $"{Payload.Name}/{Encoding}";

    public int CompareTo(SerializationCase? other) => other is null ? 1 : Order.CompareTo(other.Order);

    // BenchmarkDotNet orders parameter values through the non-generic interface.
    int IComparable.CompareTo(object? obj) => CompareTo(obj as SerializationCase);

    private static List<SerializationCase> Build()
    {
        var cases = new List<SerializationCase>();
        foreach (var payload in ScenarioCatalog.Payloads)
        {
            cases.Add(new SerializationCase(payload, null, Memcpy, cases.Count));
            if (payload != PayloadKind.Resnet50Jpeg)
            {
                // JPEG bytes have no nested-array JSON form and travel in no Triton message: these rows are for tensors.
                cases.Add(new SerializationCase(payload, null, NaiveJson, cases.Count));
                cases.Add(new SerializationCase(payload, null, GoogleProtobuf, cases.Count));
            }

            foreach (var scenario in ScenarioCatalog.Scenarios.Where(s => ScenarioCatalog.Supports(s, payload)))
            {
                cases.Add(new SerializationCase(payload, scenario, string.Empty, cases.Count));
            }
        }

        return cases;
    }
}
