using ServingBench.Wire;

namespace ServingBench.Config;

/// <summary>Where reports go: results/ at the repository root, wherever the app (or a benchmark child process) runs from.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Benchmarks.sln, found by walking up; the current directory if there is none.</summary>
    public static string Root { get; } = RepositoryRoot.Find() ?? Directory.GetCurrentDirectory();

    /// <summary>SERVINGBENCH_RESULTS, else results/ under the repository root.</summary>
    public static string Results { get; } =
        Environment.GetEnvironmentVariable("SERVINGBENCH_RESULTS") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Root, "results");
}
