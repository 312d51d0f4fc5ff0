namespace ServingBench.Payloads;

/// <summary>
/// Finds the committed fixtures from any process: the test runner, the app, and BenchmarkDotNet's child
/// processes, which run from a generated bin folder. The build copies fixtures/ next to the assemblies; a
/// clone's fixtures/ beside Benchmarks.sln is the fallback, and <see cref="OverrideFolder"/> comes before both.
/// </summary>
public static class FixtureFiles
{
    /// <summary>The app's variable for <see cref="OverrideFolder"/>, named here so that a missing fixture's message can say it.</summary>
    public const string OverrideVariable = "SERVINGBENCH_FIXTURES";

    public const string CatJpeg = "images/cat.jpg";
    public const string EspressoJpeg = "images/espresso.jpg";
    public const string SpeechWav = "audio/speech.wav";
    public const string ArticleText = "text/article.txt";
    public const string ImageNetLabels = "labels/imagenet_classes.txt";
    public const string Gpt2Vocab = "tokenizer/encoder.json";
    public const string Gpt2Merges = "tokenizer/vocab.bpe";

    /// <summary>
    /// The 32 different photos of the ResNet50 batch payloads, in batch order: a batch of B takes the first B. The two
    /// single-photo fixtures come first, so row 0 of every batch is the batch-1 payload's photo (fixtures/README.md).
    /// </summary>
    public static IReadOnlyList<string> BatchPhotos { get; } =
    [
        CatJpeg, EspressoJpeg,
        .. ((string[])
        [
            "aqua", "astronaut", "blinds", "by-the-water", "cold-ripple", "colorful-cups", "darkest-hour", "dune",
            "evening-glow", "fallen-leaf", "fresh-flower", "garden", "grace-hopper", "green-meadow", "grey", "hubble-deep-field",
            "immunohistochemistry", "kite", "lady-bird", "one-stands-out", "path", "rain-drops", "retina", "rocket",
            "storm", "summer-1am", "two-wings", "volna", "wood", "yellow-flower",
        ]).Select(name => $"images/batch/{name}.jpg"),
    ];

    private const string FolderName = "fixtures";

    /// <summary>
    /// A fixtures folder searched first; null searches the defaults only. The app sets it once, as its assembly
    /// loads (in its own process and in BenchmarkDotNet's children alike), from <see cref="OverrideVariable"/>.
    /// </summary>
    public static string? OverrideFolder { get; set; }

    /// <summary>The full path of a fixture, e.g. <c>GetPath(FixtureFiles.CatJpeg)</c>.</summary>
    /// <exception cref="FileNotFoundException">No candidate folder holds the file; the message lists where it looked.</exception>
    public static string GetPath(string relativePath) => GetPath(relativePath, AppContext.BaseDirectory);

    /// <summary>As <see cref="GetPath(string)"/>, searching from <paramref name="baseDirectory"/> (tests stand in BenchmarkDotNet's bin folders).</summary>
    internal static string GetPath(string relativePath, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var searched = new List<string>();
        foreach (string folder in CandidateFolders(baseDirectory))
        {
            string path = Path.GetFullPath(Path.Combine(folder, relativePath));
            if (File.Exists(path))
            {
                return path;
            }

            searched.Add(path);
        }

        throw new FileNotFoundException(
            $"fixture '{relativePath}' not found; looked at: {string.Join(", ", searched)}. "
            + $"Rebuild (ServingBench.Payloads copies fixtures/ into the build output), run from a clone that has fixtures/ beside {RepositoryRoot.SolutionFile}, "
            + $"or set {OverrideVariable} to the fixtures folder.",
            searched.Count > 0 ? searched[0] : relativePath);
    }

    public static byte[] ReadAllBytes(string relativePath) => File.ReadAllBytes(GetPath(relativePath));

    public static string ReadAllText(string relativePath) => File.ReadAllText(GetPath(relativePath), System.Text.Encoding.UTF8);

    private static IEnumerable<string> CandidateFolders(string baseDirectory)
    {
        if (OverrideFolder is { } overridden)
        {
            yield return overridden;
        }

        yield return Path.Combine(baseDirectory, FolderName);

        if (RepositoryRoot.FindAbove(baseDirectory) is { } root)
        {
            yield return Path.Combine(root, FolderName);
        }
    }
}
