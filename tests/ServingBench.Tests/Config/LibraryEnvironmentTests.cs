namespace ServingBench.Tests.Config;

/// <summary>Only the app (benchmarks/ServingBench) reads the process environment; the libraries take settings.</summary>
public sealed class LibraryEnvironmentTests
{
    /// <summary>Catches Environment.GetEnvironmentVariable and GetEnvironmentVariables, qualified or through a static using.</summary>
    private const string EnvironmentRead = "GetEnvironmentVariable";

    [Fact]
    public void No_Library_Reads_The_Environment()
    {
        string benchmarks = Path.Combine(RepositoryRoot.Require("tests run inside a clone"), "benchmarks");
        var libraries = Directory.GetDirectories(benchmarks).Where(d => Path.GetFileName(d) != "ServingBench").ToList();
        Assert.NotEmpty(libraries);

        var readers = libraries.SelectMany(Sources)
            .Where(file => File.ReadAllText(file).Contains(EnvironmentRead, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(benchmarks, file))
            .ToList();

        Assert.True(readers.Count == 0, $"libraries read the environment (move the read into the app's Config/RunSettings.cs and pass the value): {string.Join(", ", readers)}");
    }

    [Fact]
    public void The_Scan_Finds_The_Reads_Of_The_App()
    {
        // The same scan over the app finds RunSettings, so an empty result above means none, not a scan that sees nothing.
        string app = Path.Combine(RepositoryRoot.Require("tests run inside a clone"), "benchmarks", "ServingBench");
        Assert.Contains(Sources(app), file => Path.GetFileName(file) == "RunSettings.cs" && File.ReadAllText(file).Contains(EnvironmentRead, StringComparison.Ordinal));
    }

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
