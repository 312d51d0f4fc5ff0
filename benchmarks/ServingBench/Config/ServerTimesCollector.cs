using BenchmarkDotNet.EventProcessors;
using BenchmarkDotNet.Reports;
using ServingBench.Benchmarks;

namespace ServingBench.Config;

/// <summary>
/// Moves the figures a RoundTrip benchmark process left beside its binaries (<see cref="ServerTimes"/>) into the run's
/// artifacts folder as soon as that process has ended: BenchmarkDotNet deletes the binaries at the end of the run, and
/// the columns are written after that. Holds no state: both paths come from the case itself.
/// </summary>
public sealed class ServerTimesCollector : EventProcessor
{
    public override void OnStartRunBenchmark(BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);

        // A file from an earlier run of this case in the same artifacts folder must not stand in for this run's.
        if (CaseName(benchmarkCase) is { } name)
        {
            ServerTimes.Delete(ServerTimes.PathOf(benchmarkCase.Config.ArtifactsPath, name));
        }
    }

    public override void OnEndRunBenchmark(BenchmarkCase benchmarkCase, BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (CaseName(benchmarkCase) is not { } name || report?.GenerateResult?.ArtifactsPaths is not { } paths)
        {
            return;
        }

        // The benchmark process wrote beside its own assembly: the build's binaries folder (the host's own under the
        // in-process toolchain). Searched under the build's folder, so the exact layout of bin/ does not matter.
        string fileName = Path.GetFileName(ServerTimes.PathOf(string.Empty, name));
        string? written = new[] { paths.BinariesDirectoryPath, paths.BuildArtifactsDirectoryPath }
            .Where(Directory.Exists)
            .Select(root => Directory.EnumerateFiles(root, fileName, SearchOption.AllDirectories).FirstOrDefault(f => Path.GetFileName(Path.GetDirectoryName(f)) == ServerTimes.Folder))
            .FirstOrDefault(f => f is not null);
        if (written is null)
        {
            return;
        }

        string kept = ServerTimes.PathOf(benchmarkCase.Config.ArtifactsPath, name);
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        File.Move(written, kept, overwrite: true);
    }

    /// <summary>The RoundTrip Infer case's name, or null for any other benchmark.</summary>
    private static string? CaseName(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(RoundTripBenchmarks.Infer)
        && benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Case")?.Value is RoundTripCase roundTrip
            ? roundTrip.ToString()
            : null;
}
