namespace ServingBench.Payloads;

/// <summary>The 1000 ImageNet-1k class names in index order (line i of fixtures/labels/imagenet_classes.txt is class i).</summary>
public static class ImageNetLabels
{
    public const int Count = 1000;

    private static readonly Lazy<IReadOnlyList<string>> Loaded = new(() => Parse(FixtureFiles.ReadAllText(FixtureFiles.ImageNetLabels), FixtureFiles.ImageNetLabels));

    public static IReadOnlyList<string> All => Loaded.Value;

    public static string Get(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, Count);
        return All[classIndex];
    }

    /// <summary>One label per line; exactly 1000 non-empty lines, else an error naming the source.</summary>
    public static IReadOnlyList<string> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        if (lines.Length != Count || Array.Exists(lines, string.IsNullOrWhiteSpace))
        {
            throw new InvalidDataException($"{source}: expected {Count} non-empty label lines, found {lines.Length} lines");
        }

        return lines;
    }
}
