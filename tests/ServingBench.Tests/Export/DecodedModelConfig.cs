using System.Globalization;
using System.Text.RegularExpressions;

namespace ServingBench.Tests.Export;

/// <summary>
/// The fields the tests check, read from protoc's own text of an inference.ModelConfig (what
/// <see cref="ExternalTool.ProtocRoundTrip"/> returns), so assertions are about what the official schema parsed.
/// </summary>
internal sealed partial record DecodedModelConfig(
    string Name, string? Platform, string? Backend, int MaxBatchSize,
    IReadOnlyList<(string Name, string DataType, long[] Dims)> Inputs,
    IReadOnlyList<(string Name, string DataType, long[] Dims)> Outputs,
    long? DynamicBatchingDelay, int? InstanceCount)
{
    public static DecodedModelConfig Parse(string text) => new(
        Field(text, "name") ?? throw new InvalidDataException("no name"),
        Field(text, "platform"),
        Field(text, "backend"),
        int.Parse(TopLevel().Match(text) is { Success: true } m ? m.Groups[1].Value : "0", CultureInfo.InvariantCulture),
        Tensors(text, "input"),
        Tensors(text, "output"),
        DelayPattern().Match(text) is { Success: true } delay ? long.Parse(delay.Groups[1].Value, CultureInfo.InvariantCulture) : null,
        CountPattern().Match(text) is { Success: true } count ? int.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture) : null);

    private static string? Field(string text, string name) =>
        Regex.Match(text, $"^{name}: \"([^\"]*)\"$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : null;

    private static List<(string, string, long[])> Tensors(string text, string block) =>
        [.. Regex.Matches(text, $"^{block} {{\\n((?:  .*\\n)*?)}}$", RegexOptions.Multiline).Select(m =>
        {
            string body = m.Groups[1].Value;
            return (
                Regex.Match(body, "^  name: \"([^\"]*)\"$", RegexOptions.Multiline).Groups[1].Value,
                Regex.Match(body, "^  data_type: (\\w+)$", RegexOptions.Multiline).Groups[1].Value,
                Regex.Matches(body, "^  dims: (-?\\d+)$", RegexOptions.Multiline).Select(d => long.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray());
        })];

    [GeneratedRegex("^max_batch_size: (\\d+)$", RegexOptions.Multiline)]
    private static partial Regex TopLevel();

    [GeneratedRegex("^  max_queue_delay_microseconds: (\\d+)$", RegexOptions.Multiline)]
    private static partial Regex DelayPattern();

    [GeneratedRegex("^  count: (\\d+)$", RegexOptions.Multiline)]
    private static partial Regex CountPattern();
}
