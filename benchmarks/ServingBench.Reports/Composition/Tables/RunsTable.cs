namespace ServingBench.Reports.Composition.Tables;

/// <summary>The runs a page is built from: status, commit, machine, job and measured host ceiling of each.</summary>
internal static class RunsTable
{
    public static void Append(StringBuilder page, IReadOnlyList<RunResults> runs)
    {
        page.AppendLine("| run | kind | status | commit | machine | job | host ceiling |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var m in runs.Select(r => r.Manifest))
        {
            string commit = m.Git.Commit is { } c ? c[..Math.Min(12, c.Length)] + (m.Git.Dirty ? " (dirty)" : string.Empty) : "unknown";
            string status = m.Status == RunStatus.Complete ? "complete" : $"**{m.Status.ToString().ToLowerInvariant()}**: {m.StatusReason}";
            string ceiling = m.HostCeiling is { } h ? string.Create(CultureInfo.InvariantCulture, $"{h.Gflops:0} GFLOP/s, {h.GigabytesPerSecond:0.0} GB/s") : "—";
            page.AppendLine(CultureInfo.InvariantCulture, $"| `{m.Id}` | {m.Kind} | {status} | `{commit}` | {m.Machine.Fingerprint} | {m.Job} | {ceiling} |");
        }
    }

    /// <summary>A run's source as the headline cites it: commit, CPU, cores and job.</summary>
    public static string Source(RunManifest m) =>
        $"commit {m.Git.Commit?[..Math.Min(12, m.Git.Commit.Length)] ?? "unknown"}{(m.Git.Dirty ? " dirty" : string.Empty)}, {m.Machine.CpuModel} family {m.Machine.CpuFamily?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {m.Machine.LogicalCores} cores, job {m.Job}";
}
