using System.Globalization;
using Spectre.Console;

namespace ServingBench.Load;

/// <summary>
/// The console while a sweep runs: on a terminal, a live Spectre table redrawn a few times a second (step, elapsed,
/// requests/s, p50/p99 of the last window, failures); when output is redirected, one plain line per window.
/// </summary>
public sealed class LiveProgress : ILoadProgress, IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly bool _live;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _display;
    private string _series = string.Empty;
    private LoadStep? _step;
    private StepRecorder? _recorder;
    private DateTimeOffset _stepStarted;
    private TimeSpan _warmup;
    private TimeSpan _duration;
    private WindowStats _lastWindow;
    private readonly List<string> _finished = [];

    public LiveProgress(IAnsiConsole? console = null)
    {
        _console = console ?? AnsiConsole.Console;
        _live = console is null && !Console.IsOutputRedirected && _console.Profile.Capabilities.Interactive;
        if (_live)
        {
            _display = Task.Run(ShowAsync);
        }
    }

    public void StepStarted(string series, LoadStep step, StepRecorder recorder, TimeSpan warmup, TimeSpan duration)
    {
        lock (_gate)
        {
            (_series, _step, _recorder, _warmup, _duration) = (series, step, recorder, warmup, duration);
            _stepStarted = DateTimeOffset.UtcNow;
            _lastWindow = default;
        }

        if (!_live)
        {
            _console.WriteLine($"{series} {step}: warm-up {warmup.TotalSeconds:0.#}s, then at least {duration.TotalSeconds:0.#}s");
        }
    }

    public void WindowEnded(WindowStats window, TimeSpan measured)
    {
        lock (_gate)
        {
            _lastWindow = window;
        }

        if (!_live)
        {
            _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {measured.TotalSeconds,6:0.0}s  {window.Rps,9:0.0} req/s  p50 {window.P50Us / 1000.0,8:0.###} ms  p99 {window.P99Us / 1000.0,8:0.###} ms  failures {_recorder?.FailureCount ?? 0}"));
        }
    }

    /// <summary>", server batch 7.6 rows/execution" where the server published its executions (the batches it formed).</summary>
    private static string ServerBatch(StepResult result) => result.Server?.Split?.MeanBatchRows is { } rows
        ? string.Create(CultureInfo.InvariantCulture, $", server batch {rows:0.##} rows/execution")
        : string.Empty;

    public void StepEnded(StepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var latency = result.Latency;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{_series} {result.Step}: {latency.TotalCount / Math.Max(result.Measured.TotalSeconds, 1e-3):0.0} req/s, p50 {Ms(latency, 50)} ms, p99 {Ms(latency, 99)} ms, failures {result.Failures.Values.Sum()}, timeouts {result.Timeouts}{ServerBatch(result)}{(result.Stable ? string.Empty : ", UNSTABLE")}{(result.Interrupted ? ", interrupted" : string.Empty)}");
        lock (_gate)
        {
            _finished.Add(line);
            _step = null;
        }

        if (!_live)
        {
            _console.WriteLine(line);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _display?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // The display ends with the run.
        }

        _stop.Dispose();
    }

    private async Task ShowAsync()
    {
        await _console.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(Render());
                try
                {
                    await Task.Delay(250, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            context.UpdateTarget(Render());
        }).ConfigureAwait(false);
    }

    private Table Render()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]load[/]");
        table.AddColumns("step", "elapsed", "req/s", "p50 ms", "p99 ms", "failures", "timeouts");
        lock (_gate)
        {
            foreach (string line in _finished)
            {
                table.AddRow(new Markup("[grey]" + Markup.Escape(line) + "[/]"), new Text(""), new Text(""), new Text(""), new Text(""), new Text(""), new Text(""));
            }

            if (_step is not null && _recorder is not null)
            {
                var elapsed = DateTimeOffset.UtcNow - _stepStarted;
                string phase = _recorder.Measuring
                    ? string.Create(CultureInfo.InvariantCulture, $"{(elapsed - _warmup).TotalSeconds:0}s / {_duration.TotalSeconds:0}s")
                    : string.Create(CultureInfo.InvariantCulture, $"warm-up {elapsed.TotalSeconds:0}s");
                table.AddRow(
                    Markup.Escape($"{_series} {_step}"),
                    phase,
                    _lastWindow.Rps.ToString("0.0", CultureInfo.InvariantCulture),
                    (_lastWindow.P50Us / 1000.0).ToString("0.###", CultureInfo.InvariantCulture),
                    (_lastWindow.P99Us / 1000.0).ToString("0.###", CultureInfo.InvariantCulture),
                    _recorder.FailureCount.ToString(CultureInfo.InvariantCulture),
                    _recorder.Timeouts.ToString(CultureInfo.InvariantCulture));
            }
        }

        return table;
    }

    private static string Ms(HdrHistogram.HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? "-" : (histogram.GetValueAtPercentile(percentile) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
