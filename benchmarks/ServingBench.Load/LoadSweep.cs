namespace ServingBench.Load;

/// <summary>One line of a sweep: what is measured (labels), how one request is sent, and the snapshots each step is read against.</summary>
public sealed record LoadSeries(StepLabels Labels, SendRequest Send, StepProbe? Probe = null);

/// <summary>
/// A whole sweep: every series through every step, in order, with live progress; stops at Ctrl+C with what was
/// measured so far. The caller writes the outputs (<see cref="LoadOutputs.WriteAll"/>).
/// </summary>
public static class LoadSweep
{
    /// <summary>Pause between the planned starts of two steps of a multi-worker run (drain and the next warm-up's connections).</summary>
    public static readonly TimeSpan WorkerStepSlack = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs the sweep. With several workers, stability extensions are off (every worker must run the same windows) and
    /// step k of series s starts at <paramref name="startAt"/> + its slot, so N machines stay in step without talking.
    /// </summary>
    public static async Task<IReadOnlyList<MeasuredStep>> RunAsync(
        IReadOnlyList<LoadSeries> series,
        IReadOnlyList<LoadStep> steps,
        LoadTiming timing,
        WorkerShare worker,
        DateTimeOffset? startAt,
        ILoadProgress? progress,
        CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(timing);
        if (!worker.IsAlone)
        {
            timing = timing with { ExtraWindows = 0 };
        }

        var slot = timing.Warmup + timing.Duration + WorkerStepSlack;
        var measured = new List<MeasuredStep>();
        int index = 0;
        foreach (var line in series)
        {
            var runner = new LoadRunner(line.Send, timing, worker, line.Probe);
            foreach (var step in steps)
            {
                if (abort.IsCancellationRequested)
                {
                    return measured;
                }

                DateTimeOffset? stepStart = startAt + slot * index++;
                if (!step.IsOpen && worker.Users(step.Users!.Value) == 0)
                {
                    continue; // fewer users than workers: this worker has no share of this step
                }

                var started = stepStart is { } planned && planned > DateTimeOffset.UtcNow ? planned : DateTimeOffset.UtcNow;
                var result = await runner.RunAsync(step, line.Labels.Series, progress, stepStart, abort).ConfigureAwait(false);
                measured.Add(new MeasuredStep(line.Labels.Summarise(result, step, worker), result.Windows, started));
                if (result.Interrupted)
                {
                    return measured;
                }
            }
        }

        return measured;
    }
}
