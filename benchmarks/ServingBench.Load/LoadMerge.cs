using ServingBench.Reports.Load;

namespace ServingBench.Load;

/// <summary>
/// Combines the <c>load/</c> folders of N workers into one result: per step, the workers' interval histograms are
/// added (HdrHistogram histograms merge exactly by addition), users, rates, requests, failures, timeouts and late
/// sends are summed, and the step is stable only if every worker's share was.
/// </summary>
public static class LoadMerge
{
    /// <summary>The merged steps; throws <see cref="InvalidDataException"/> with one line naming what is wrong.</summary>
    public static IReadOnlyList<MeasuredStep> Merge(IReadOnlyList<string> workerFolders)
    {
        ArgumentNullException.ThrowIfNull(workerFolders);
        // Every worker runs the same steps in the same order with its share of the load, so the k-th step of a series
        // in one worker's summary is the k-th in every other's.
        var entries = new List<(LoadStepSummary Step, string Folder, int Ordinal)>();
        foreach (string folder in workerFolders)
        {
            string summary = Path.Combine(folder, LoadOutputs.SummaryJson);
            if (!File.Exists(summary))
            {
                throw new InvalidDataException($"{folder} holds no {LoadOutputs.SummaryJson} (pass the load/ folder of each worker)");
            }

            entries.AddRange(LoadSummary.Read(summary).Steps.GroupBy(s => s.Series).SelectMany(series => series.Select((s, k) => (s, folder, k))));
        }

        var merged = new List<MeasuredStep>();
        foreach (var group in entries.GroupBy(e => (e.Step.Series, e.Step.Mode, e.Ordinal)))
        {
            var parts = group.ToArray();
            if (parts.Select(p => p.Step.Client).Distinct().Count() > 1)
            {
                // A lean worker and a full one measure different generators: their sum would be neither.
                throw new InvalidDataException(
                    $"{group.Key.Series}: the workers ran different load clients ({string.Join(", ", parts.Select(p => $"{p.Folder}: {p.Step.Client ?? "not recorded"}"))}); merge workers of one --client");
            }

            var windows = parts.SelectMany(p => IntervalLog.ReadWindows(Path.Combine(p.Folder, StepLabels.FileStem(p.Step) + IntervalLog.Extension))).ToArray();
            var first = parts[0].Step;
            var labels = new StepLabels(first.Scenario, first.Payload, first.Backend, first.Target, first.Client);
            var failures = parts.SelectMany(p => p.Step.Failures).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Sum(f => f.Value));
            var latency = StepResult.Sum(windows.Select(w => w.Latency));
            var summary = labels.Summarise(latency, parts.Max(p => p.Step.DurationSeconds), failures,
                parts.Sum(p => p.Step.Timeouts), parts.Sum(p => p.Step.LateSends), parts.All(p => p.Step.Stable)) with
            {
                Mode = first.Mode,
                Users = first.Users is null ? null : parts.Sum(p => p.Step.Users),
                Rate = first.Rate is null ? null : Math.Round(parts.Sum(p => p.Step.Rate!.Value), 6),
                Arrival = first.Arrival,
            };
            var start = windows.Length == 0 ? DateTimeOffset.UtcNow : DateTimeOffset.FromUnixTimeMilliseconds(windows.Min(w => w.Latency.StartTimeStamp));
            merged.Add(new MeasuredStep(summary, [.. windows.OrderBy(w => w.Latency.StartTimeStamp)], start));
        }

        return merged;
    }
}
