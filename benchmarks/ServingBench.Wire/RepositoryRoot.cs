namespace ServingBench.Wire;

/// <summary>
/// The clone's root: the nearest folder holding Benchmarks.sln above the working directory or the app, so that
/// the test runner, the app and BenchmarkDotNet's child processes (run from generated bin folders) all find it.
/// </summary>
public static class RepositoryRoot
{
    public const string SolutionFile = "Benchmarks.sln";

    /// <summary>The root above the working directory, else above the app's folder; null outside a clone.</summary>
    public static string? Find() => FindAbove(Directory.GetCurrentDirectory()) ?? FindAbove(AppContext.BaseDirectory);

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds Benchmarks.sln; null if none.</summary>
    public static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>As <see cref="Find"/>, but outside a clone throws, with <paramref name="remedy"/> telling the user what to set instead.</summary>
    /// <exception cref="InvalidOperationException">No Benchmarks.sln above the working directory or the app.</exception>
    public static string Require(string remedy) =>
        Find() ?? throw new InvalidOperationException(
            $"cannot find the repository root ({SolutionFile}) above '{Directory.GetCurrentDirectory()}'; {remedy}");
}
