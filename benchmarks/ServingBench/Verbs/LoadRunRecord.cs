using ServingBench.Reports.Runs;

namespace ServingBench.Verbs;

/// <summary>
/// A load run in its own <see cref="RunFolder"/> (outputs in its <c>load/</c> sub-folder) with a manifest of kind
/// <c>load</c>, so the report verb composes load runs as it does benchmark runs.
/// </summary>
internal static class LoadRunRecord
{
    public const string Kind = "load";

    public static RunFolder Create(DateTimeOffset startedUtc)
    {
        var run = RunFolder.Create(RepositoryPaths.Results, startedUtc);
        Directory.CreateDirectory(run.LoadDirectory);
        return run;
    }

    /// <summary>Writes the manifest: complete, or partial with <paramref name="shortfall"/> saying why.</summary>
    public static void Finish(RunFolder run, DateTimeOffset startedUtc, string? shortfall)
    {
        ArgumentNullException.ThrowIfNull(run);
        var files = Directory.EnumerateFiles(run.LoadDirectory)
            .Select(f => RunFolder.LoadDirectoryName + "/" + Path.GetFileName(f))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var status = shortfall is null ? RunStatus.Complete : RunStatus.Partial;
        string[] args = [.. Environment.GetCommandLineArgs().Skip(1)];
        run.WriteManifest(RunRecorder.Describe(run.Id, Kind, status, shortfall, startedUtc, args) with { Files = files });
    }
}
