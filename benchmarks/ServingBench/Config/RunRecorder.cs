using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using ServingBench.Models.Performance;
using ServingBench.Reports.Runs;

namespace ServingBench.Config;

/// <summary>
/// Records a benchmark run in its own <see cref="RunFolder"/>: the reports BenchmarkDotNet wrote for it and a manifest
/// saying what they depend on and whether they may be published. Nothing outside that new folder changes, so a dry,
/// filtered or failed run cannot overwrite published figures.
/// </summary>
public static class RunRecorder
{
    /// <summary>BenchmarkDotNet's working folder for one run (build artifacts, then the reports before they are copied).</summary>
    public static string ScratchDirectory(string resultsRoot, DateTimeOffset startedUtc) =>
        Path.Combine(resultsRoot, "bdn", startedUtc.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Creates the run's folder under <paramref name="resultsRoot"/>, copies the summaries' reports into it, writes
    /// the manifest and removes <paramref name="scratchDirectory"/>. Returns null when nothing ran (<c>--help</c>, a
    /// filter that matched no case).
    /// </summary>
    public static RunFolder? Record(
        IReadOnlyList<Summary> summaries, IConfig config, string[] args, string resultsRoot, string scratchDirectory, DateTimeOffset startedUtc, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            if (!summaries.Any(s => s.BenchmarksCases.Length > 0))
            {
                return null;
            }

            var run = RunFolder.Create(resultsRoot, startedUtc);
            var files = new List<string>();
            // Every class's summary points at the same results folder: copy and list each report once.
            foreach (string directory in summaries.Select(s => s.ResultsDirectoryPath).Distinct(StringComparer.Ordinal).Where(Directory.Exists))
            {
                foreach (string report in Directory.EnumerateFiles(directory, "*-report*").Order(StringComparer.Ordinal))
                {
                    files.Add(Path.GetFileName(run.AddFile(report)));
                }
            }

            var (status, reason) = Classify(summaries, config);
            var manifest = Describe(run.Id, "benchmarks", status, reason, startedUtc, args) with
            {
                Jobs = [.. summaries.SelectMany(s => s.BenchmarksCases).Select(c => c.Job.DisplayInfo).Distinct().Order(StringComparer.Ordinal)],
                Filter = [.. CaseListing.Filters(args)],
                // A smoke run's figures are never composed into a page, so it skips the second of measuring.
                HostCeiling = status == RunStatus.Dry ? null : MeasuredCeiling(),
                Files = files,
            };
            run.WriteManifest(manifest);
            output.WriteLine($"Run recorded in {Readable(run.FullPath)} ({StatusLine(manifest)}); `report --runs {run.Id}` composes it");
            return run;
        }
        finally
        {
            if (Directory.Exists(scratchDirectory))
            {
                Directory.Delete(scratchDirectory, recursive: true);
            }

            string? scratchRoot = Path.GetDirectoryName(scratchDirectory);
            if (scratchRoot is not null && Directory.Exists(scratchRoot) && !Directory.EnumerateFileSystemEntries(scratchRoot).Any())
            {
                Directory.Delete(scratchRoot);
            }
        }
    }

    /// <summary>The manifest fields every kind of run shares (the load verb fills in the same from its own run).</summary>
    public static RunManifest Describe(string id, string kind, RunStatus status, string? reason, DateTimeOffset startedUtc, IReadOnlyList<string> args) => new()
    {
        Id = id,
        Job = JobName(args),
        Kind = kind,
        Status = status,
        StatusReason = reason,
        StartedUtc = startedUtc,
        FinishedUtc = DateTimeOffset.UtcNow,
        Git = GitState.Read(RepositoryPaths.Root),
        CommandLine = args,
        Machine = MachineInfo.Current(RunSettings.ProcessorIdentifier()),
        Environment = RunSettings.Captured(),
    };

    public static HostCeilingFigures MeasuredCeiling()
    {
        var ceiling = HostCeiling.Current;
        return new HostCeilingFigures(ceiling.Gflops, ceiling.GigabytesPerSecond, ceiling.Threads, ceiling.VectorBits);
    }

    /// <summary>
    /// Failed when any case failed or measured nothing; dry for the dry job or an in-process toolchain (smoke runs);
    /// partial when the filter left out some cases of a class it selected; complete otherwise.
    /// </summary>
    public static (RunStatus Status, string? Reason) Classify(IReadOnlyList<Summary> summaries, IConfig config)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success || r.ResultStatistics is null).ToList();
        if (failed.Count > 0 || summaries.Any(s => s.HasCriticalValidationErrors))
        {
            return (RunStatus.Failed, failed.Count > 0
                ? $"{failed.Count} case(s) produced no measurement, first {failed[0].BenchmarkCase.DisplayInfo}"
                : "BenchmarkDotNet's validators rejected the run");
        }

        var cases = summaries.SelectMany(s => s.BenchmarksCases).ToList();
        if (cases.FirstOrDefault(c => c.Job.ResolvedId.StartsWith("Dry", StringComparison.Ordinal) || c.Job.Infrastructure.Toolchain?.IsInProcess == true) is { } smoke)
        {
            return (RunStatus.Dry, $"smoke run: job {smoke.Job.DisplayInfo}, toolchain {smoke.Job.Infrastructure.Toolchain?.Name ?? "default"}");
        }

        foreach (var type in cases.Select(c => c.Descriptor.Type).Distinct())
        {
            int measured = cases.Where(c => c.Descriptor.Type == type).Select(CaseKey).Distinct().Count();
            int all = BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases.Select(CaseKey).Distinct().Count();
            if (measured < all)
            {
                return (RunStatus.Partial, $"the filter selected {measured} of {type.Name}'s {all} cases");
            }
        }

        return (RunStatus.Complete, null);
    }

    /// <summary><c>default</c>, or the preset after <c>--job</c>/<c>-j</c>; <c>+ inProcess</c> for <c>--inProcess</c>/<c>-i</c>.</summary>
    public static string JobName(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string job = "default";
        for (int i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] is "--job" or "-j")
            {
                job = args[i + 1].ToLowerInvariant();
            }
        }

        return args.Any(a => a == "-i" || a.Equals("--inProcess", StringComparison.OrdinalIgnoreCase)) ? job + " + inProcess" : job;
    }

    private static string StatusLine(RunManifest manifest) =>
        manifest.StatusReason is null ? manifest.Status.ToString().ToLowerInvariant() : $"{manifest.Status.ToString().ToLowerInvariant()}: {manifest.StatusReason}";

    /// <summary>The path relative to the working directory when it lies below it, else in full.</summary>
    internal static string Readable(string path)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private static string CaseKey(BenchmarkCase benchmark) => benchmark.Descriptor.WorkloadMethod.Name + "|" + benchmark.Parameters.PrintInfo;
}
