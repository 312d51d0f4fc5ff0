namespace ServingBench.Config;

/// <summary>Where reports go: results/ at the repository root, wherever the app (or a benchmark child process) runs from.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Benchmarks.sln, found by walking up; the current directory if there is none.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>SERVINGBENCH_RESULTS, else results/ under the repository root.</summary>
    public static string Results { get; } =
        Environment.GetEnvironmentVariable("SERVINGBENCH_RESULTS") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Root, "results");

    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Benchmarks.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
