using System.IO.Compression;
using ServingBench.Wire.Compression;
using ServingBench.Wire.Tensors;

namespace ServingBench.Config;

/// <summary>
/// Which half-precision and compressed cells (<see cref="ScenarioCatalog.EncodingCells"/>) the Serialization and
/// RoundTrip classes run: <c>SERVINGBENCH_ENCODINGS</c>. The default keeps <c>--filter '*'</c> within its time budget
/// (README, "Case budget") with the rows that answer the two questions: what FP16 costs on the raw encoding of each FP32
/// payload, and what gzip at its fastest saves on the JSON and raw encodings of the ResNet50 tensor and BART's text.
/// <c>all</c> runs every cell (BF16, deflate, the optimal level, every framework); <c>none</c> none of them.
/// </summary>
public sealed class EncodingSelection
{
    public const string DefaultName = "default";
    public const string AllName = "all";
    public const string NoneName = "none";

    private static readonly BodyCompression GzipFastest = new(CompressionAlgorithm.Gzip, CompressionLevel.Fastest);

    private readonly Func<Scenario, PayloadKind, bool> _includes;

    private EncodingSelection(string name, Func<Scenario, PayloadKind, bool> includes)
    {
        Name = name;
        _includes = includes;
    }

    public static EncodingSelection Default { get; } = new(DefaultName, static (scenario, payload) =>
        payload.HalfType == DataType.FP16
            ? scenario == ScenarioCatalog.TritonGrpcRaw
            : scenario.Compression == GzipFastest && (scenario.Uncompressed == ScenarioCatalog.TritonRestJson || scenario.Uncompressed == ScenarioCatalog.TritonGrpcRaw));

    public static EncodingSelection All { get; } = new(AllName, static (_, _) => true);

    public static EncodingSelection None { get; } = new(NoneName, static (_, _) => false);

    public string Name { get; }

    /// <summary>The catalogue's encoding cells this selection runs, in catalogue order.</summary>
    public IEnumerable<(Scenario Scenario, PayloadKind Payload)> Cells() =>
        ScenarioCatalog.EncodingCells().Where(c => _includes(c.Scenario, c.Payload));

    public override string ToString() => Name;

    public static EncodingSelection? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        DefaultName => Default,
        AllName => All,
        NoneName => None,
        _ => null,
    };
}
