namespace ServingBench.Load;

/// <summary>Told what the runner is doing, for a live display; called from the runner's window loop (one thread at a time).</summary>
public interface ILoadProgress
{
    /// <summary>A step begins (after the shared start time); <paramref name="recorder"/> may be read for running counts.</summary>
    void StepStarted(string series, LoadStep step, StepRecorder recorder, TimeSpan warmup, TimeSpan duration);

    void WindowEnded(WindowStats window, TimeSpan measured);

    void StepEnded(StepResult result);
}
