namespace ServingBench.Reports.Composition.Tables;

/// <summary>Every load step of the chosen runs: throughput, percentiles, failures and whether the step was stable.</summary>
internal static class LoadTable
{
    public static void Append(StringBuilder page, List<RunResults> loadRuns)
    {
        page.AppendLine("| run | scenario | payload | backend | mode | users | rate /s | requests/s | p50 | p99 | failures | stable |");
        page.AppendLine("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var run in loadRuns)
        {
            foreach (var s in run.LoadSteps)
            {
                long failures = s.Failures.Values.Sum() + s.Timeouts;
                page.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{run.Folder.Id}` | {s.Scenario} | {s.Payload} | {s.Backend} | {s.Mode} | {s.Users?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {s.Rate?.ToString("0.#", CultureInfo.InvariantCulture) ?? "—"} | {s.Rps:0.#} | {Figures.Time(s.P50Us * 1e3)} | {Figures.Time(s.P99Us * 1e3)} | {failures} | {(s.Stable ? "yes" : "**no**")} |");
            }
        }

        page.AppendLine();
    }
}
