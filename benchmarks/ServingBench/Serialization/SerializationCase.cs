namespace ServingBench.Serialization;

/// <summary>
/// One row family of the Serialization table: a payload and how it is encoded — a catalogue scenario, or one
/// of the controls that frame it: <c>memcpy</c> (the physical floor: copying the same bytes), <c>naive-json</c>
/// (System.Text.Json over nested arrays, what most users write first; the peer to beat), <c>google-protobuf</c>
/// (the ratio baseline's messages through the generated classes: what the hand-written tensor codecs save) and, for a
/// half-precision payload, <c>convert</c> (the FP32 ↔ FP16/BF16 conversions alone: what the client pays to send it).
/// </summary>
public sealed class SerializationCase : IComparable<SerializationCase>, IComparable, ITwinnedCase
{
    public const string Memcpy = "memcpy";
    public const string NaiveJson = "naive-json";
    public const string GoogleProtobuf = "google-protobuf";
    public const string Convert = "convert";

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

    /// <summary>Catalogue order, so tables read payload by payload, controls first, each variant after its twin's payload.</summary>
    public int Order { get; }

    public bool IsControl => Scenario is null;

    /// <summary>
    /// The raw encoding every row of a payload is compared with: Triton's raw gRPC tensors, or for JPEG (which
    /// only TorchServe takes) TorchServe's raw body.
    /// </summary>
    public bool IsRatioBaseline => Scenario is not null && Scenario == BaselineScenario(Payload);

    /// <summary>
    /// The payload whose memcpy row is this row's floor: its own, or for a half-precision payload its FP32 twin's (the
    /// tensor the client holds before it converts), so the <c>convert</c> row's "× memcpy" is conversion ÷ copying FP32.
    /// </summary>
    public PayloadKind MemcpyPayload => Payload.Twin ?? Payload;

    /// <summary>
    /// <c>payload/encoding</c> of the FP32, uncompressed row this one reads against (a half-precision row's FP32 twin,
    /// <c>convert</c>'s FP32 memcpy, a compressed row's plain encoding); null for the plain rows.
    /// </summary>
    public string? TwinName => Encoding == Convert
        ? $"{Payload.Twin!.Name}/{Memcpy}"
        : Scenario is not null && ScenarioCatalog.Twin(Scenario, Payload) is var (scenario, payload)
            ? $"{payload.Name}/{scenario.Name}"
            : null;

    public static Scenario BaselineScenario(PayloadKind payload) =>
        (payload.Single ?? payload) == PayloadKind.Resnet50Jpeg ? ScenarioCatalog.TorchServeRestRaw : ScenarioCatalog.TritonGrpcRaw;

    /// <summary>
    /// Every case of the plain encodings, the encoding cells <see cref="RunSettings.EncodingsForListing"/> selects and
    /// the batch cells <see cref="RunSettings.BatchesForListing"/> selects.
    /// </summary>
    public static IReadOnlyList<SerializationCase> All => For(RunSettings.EncodingsForListing(), RunSettings.BatchesForListing());

    /// <summary>The plain encodings and the selected encoding cells, no batches.</summary>
    public static IReadOnlyList<SerializationCase> For(EncodingSelection selection) => For(selection, BatchSelection.None);

    /// <summary>
    /// Per payload: memcpy, naive JSON and stock protobuf (tensor payloads only), each valid scenario, then the
    /// payload's selected compressed cells; after it, each of its half-precision variants with a selected cell
    /// (<c>convert</c>, then its cells), then each of its batch payloads with a selected cell (memcpy with
    /// <c>all</c>, then its cells).
    /// </summary>
    public static IReadOnlyList<SerializationCase> For(EncodingSelection selection, BatchSelection batches)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(batches);
        return Built.GetOrAdd($"{selection.Name}/{batches.Name}", _ => Build(selection, batches));
    }

    public override string ToString() => $"{Payload.Name}/{Encoding}";

    public int CompareTo(SerializationCase? other) => other is null ? 1 : Order.CompareTo(other.Order);

    // BenchmarkDotNet orders parameter values through the non-generic interface.
    int IComparable.CompareTo(object? obj) => CompareTo(obj as SerializationCase);

    // One list per selection, so every caller (parameters, columns, twins) sees the same case objects.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<SerializationCase>> Built = new();

    private static List<SerializationCase> Build(EncodingSelection selection, BatchSelection batches)
    {
        var selected = selection.Cells().ToList();
        var batchCells = batches.SerializationCells().ToList();
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

            foreach (var (scenario, _) in selected.Where(c => c.Payload == payload))
            {
                cases.Add(new SerializationCase(payload, scenario, string.Empty, cases.Count));
            }

            foreach (var half in ScenarioCatalog.HalfPayloads.Where(h => h.Twin == payload && selected.Any(c => c.Payload == h)))
            {
                cases.Add(new SerializationCase(half, null, Convert, cases.Count));
                foreach (var (scenario, _) in selected.Where(c => c.Payload == half))
                {
                    cases.Add(new SerializationCase(half, scenario, string.Empty, cases.Count));
                }
            }

            foreach (var batch in ScenarioCatalog.BatchPayloads.Where(b => b.Single == payload && batchCells.Any(c => c.Payload == b)))
            {
                if (batches == BatchSelection.All)
                {
                    cases.Add(new SerializationCase(batch, null, Memcpy, cases.Count));
                }

                foreach (var (scenario, _) in batchCells.Where(c => c.Payload == batch))
                {
                    cases.Add(new SerializationCase(batch, scenario, string.Empty, cases.Count));
                }
            }
        }

        return cases;
    }
}
