using System.Diagnostics;
using ServingBench.ServerStatistics;

namespace ServingBench.Load;

/// <summary>What a step's server and generator had spent at one moment: the server's counters and both processes' CPU time.</summary>
public sealed record ProbeMark(ServerCounters? Server, TimeSpan ClientCpu, TimeSpan? ServerCpu);

/// <summary>A step's share of the server's and the generator's work, per request the client saw answered.</summary>
public sealed record StepServerFigures(string? Statistics, ServerSplit? Split, double? ServerCpuUs, double? ClientCpuUs);

/// <summary>
/// Takes the snapshots a step is read against, as perf_analyzer does: the server's own cumulative statistics and the
/// CPU time of the processes the run started, before the measured windows and after the last answer. A server that
/// publishes nothing gives one note (what was tried, why it failed) and no split, never a failed step.
/// </summary>
public sealed class StepProbe : IDisposable
{
    private readonly IServerStatisticsReader? _reader;
    private readonly Process? _server;

    /// <param name="reader">The server's statistics; null when none are to be read.</param>
    /// <param name="serverProcessId">The server's process when this run started it (its CPU time is read from the OS); null otherwise.</param>
    public StepProbe(IServerStatisticsReader? reader, int? serverProcessId)
    {
        _reader = reader;
        _server = serverProcessId is { } id ? TryOpen(id) : null;
    }

    /// <summary>Why the statistics could not be read, after the first failure; null while they can.</summary>
    public string? Note { get; private set; }

    /// <summary>What the statistics are read from, or the note once they failed.</summary>
    public string? Statistics => Note ?? _reader?.Source;

    /// <summary>Reads once, before any step: a server without statistics is known (and said) before the sweep.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        await MarkAsync(cancellationToken).ConfigureAwait(false);
        return Note;
    }

    public async Task<ProbeMark> MarkAsync(CancellationToken cancellationToken)
    {
        ServerCounters? counters = null;
        if (_reader is not null && Note is null)
        {
            try
            {
                counters = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (StatisticsUnavailableException ex)
            {
                Note = ex.Message;
            }
        }

        return new ProbeMark(counters, Process.GetCurrentProcess().TotalProcessorTime, CpuOf(_server));
    }

    /// <summary>The step's figures between two marks; CPU per request over the <paramref name="answered"/> requests the client counted.</summary>
    public StepServerFigures Between(ProbeMark before, ProbeMark after, long answered)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var split = before.Server is { } b && after.Server is { } a ? ServerSplit.Between(b, a) : null;
        double? PerRequest(TimeSpan? spent) => spent is { } cpu && answered > 0 ? cpu.TotalMicroseconds / answered : null;
        return new StepServerFigures(Statistics, split, PerRequest(after.ServerCpu - before.ServerCpu), PerRequest(after.ClientCpu - before.ClientCpu));
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _server?.Dispose();
    }

    private static Process? TryOpen(int id)
    {
        try
        {
            return Process.GetProcessById(id);
        }
        catch (ArgumentException)
        {
            return null; // already gone: no CPU figure
        }
    }

    private static TimeSpan? CpuOf(Process? process)
    {
        if (process is null)
        {
            return null;
        }

        try
        {
            process.Refresh();
            return process.HasExited ? null : process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
