using System.Text.RegularExpressions;
using ServingBench.Reports.Composition;

namespace ServingBench.Reports.Comparison;

/// <summary>Raised when two runs cannot be compared (different kinds, machines or jobs, or a dry run); the message says why.</summary>
public sealed class ComparisonRefusedException(string message) : Exception(message);

/// <summary>The two runs a comparison reads, and whether they were allowed to differ in machine or job.</summary>
/// <param name="Difference">How machine or job differ when <c>--allow-different-machines</c> admitted it; null when they match.</param>
public sealed record ComparedRuns(RunResults Base, RunResults New, string? Difference);

/// <summary>
/// Which two runs <c>report compare</c> reads: the ones named (run ids or folders), or by default the newest run
/// against the newest published run of the same kind on the same machine. Runs of different kinds are never compared;
/// different machines or jobs only when the caller allows it (and the page says so).
/// </summary>
public static partial class CompareSelection
{
    /// <param name="baseRun">A run id under <paramref name="resultsRoot"/> or a run folder's path; null picks the default.</param>
    /// <param name="newRun">The same; null is the newest run.</param>
    /// <param name="notes">Where the default choices are explained.</param>
    /// <exception cref="DirectoryNotFoundException">A named run does not exist.</exception>
    /// <exception cref="InvalidOperationException">No run to compare; the message says why.</exception>
    /// <exception cref="ComparisonRefusedException">The runs differ in kind, or in machine or job without permission, or one is dry.</exception>
    public static ComparedRuns Choose(string resultsRoot, string? baseRun, string? newRun, bool allowDifferentMachines, TextWriter notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        var candidate = newRun is null ? Newest(resultsRoot) : Open(resultsRoot, newRun);
        var newManifest = Manifest(candidate);
        var baseline = baseRun is null ? DefaultBase(resultsRoot, candidate, newManifest, notes) : Open(resultsRoot, baseRun);
        var baseManifest = Manifest(baseline);
        if (baseline.FullPath == candidate.FullPath)
        {
            throw new ComparisonRefusedException($"the base and the new run are the same run, {candidate.Id}");
        }

        foreach (var manifest in new[] { baseManifest, newManifest })
        {
            if (manifest.Status == RunStatus.Dry)
            {
                throw new ComparisonRefusedException($"run {manifest.Id} is a dry run ({manifest.StatusReason}): its figures are not measurements to compare");
            }
        }

        if (baseManifest.Kind != newManifest.Kind)
        {
            throw new ComparisonRefusedException($"run {baseManifest.Id} is a {baseManifest.Kind} run and run {newManifest.Id} a {newManifest.Kind} run: only runs of one kind compare");
        }

        string? difference = null;
        if (!baseManifest.ComparableWith(newManifest, out string reason))
        {
            difference = allowDifferentMachines
                ? reason
                : throw new ComparisonRefusedException($"refusing to compare: {reason} (--allow-different-machines compares them anyway and marks the page)");
        }

        return new ComparedRuns(RunResults.Load(baseline), RunResults.Load(candidate), difference);
    }

    /// <summary>The run ids a published page lists (results/README.md names each run it is built from as <c>`id`</c>).</summary>
    public static IReadOnlySet<string> Published(string resultsRoot)
    {
        string page = Path.Combine(resultsRoot, "README.md");
        return File.Exists(page)
            ? RunIdPattern().Matches(File.ReadAllText(page)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    private static RunFolder Open(string resultsRoot, string run) =>
        Directory.Exists(run) ? RunFolder.At(run) : RunFolder.Open(resultsRoot, run);

    private static RunManifest Manifest(RunFolder folder) => folder.ReadManifest()
        ?? throw new InvalidOperationException($"run {folder.Id} has no {RunFolder.ManifestFileName} (it did not finish)");

    private static RunFolder Newest(string resultsRoot) =>
        RunFolder.List(resultsRoot).LastOrDefault(f => f.ReadManifest() is { Status: not RunStatus.Dry })
        ?? throw new InvalidOperationException($"no finished run in {Path.Combine(Path.GetFullPath(resultsRoot), RunFolder.RunsDirectoryName)} to compare: run the benchmarks first");

    /// <summary>The newest published run of the new run's kind and machine before it; failing that, the newest such run.</summary>
    private static RunFolder DefaultBase(string resultsRoot, RunFolder candidate, RunManifest newManifest, TextWriter notes)
    {
        var earlier = RunFolder.List(resultsRoot)
            .Where(f => string.CompareOrdinal(f.Id, candidate.Id) < 0)
            .Select(f => (Folder: f, Manifest: f.ReadManifest()))
            .Where(r => r.Manifest is { Status: not RunStatus.Dry } m && m.Kind == newManifest.Kind && m.Machine.Fingerprint == newManifest.Machine.Fingerprint)
            .ToList();
        var published = Published(resultsRoot);
        if (earlier.LastOrDefault(r => published.Contains(r.Folder.Id)).Folder is { } publishedRun)
        {
            notes.WriteLine($"comparing {candidate.Id} against the newest published {newManifest.Kind} run of this machine, {publishedRun.Id}");
            return publishedRun;
        }

        if (earlier.LastOrDefault().Folder is { } newestEarlier)
        {
            notes.WriteLine($"no published {newManifest.Kind} run of this machine before {candidate.Id}; comparing against the newest earlier one, {newestEarlier.Id}");
            return newestEarlier;
        }

        throw new InvalidOperationException($"no earlier {newManifest.Kind} run of this machine ({newManifest.Machine.Fingerprint}) to compare {candidate.Id} against; name one: report compare <base> <new>");
    }

    [GeneratedRegex(@"`(\d{8}T\d{6}Z-[a-z0-9-]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();
}
