using System.Diagnostics;

namespace ServingBench.Tests;

/// <summary>Runs a test's child process (the built app, or bash running it) to its end and returns what it wrote.</summary>
internal static class ChildProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts <paramref name="start"/> with both outputs redirected, reads standard error while standard output is read
    /// (so neither pipe can fill and stall the child), and kills the whole process tree if it runs past 60 s, failing
    /// the test with <paramref name="description"/> in the message rather than hanging the test run.
    /// </summary>
    public static (int Exit, string Output, string Error) Run(ProcessStartInfo start, string description)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{description} did not finish in {Limit.TotalSeconds:0} s");
        }

        return (process.ExitCode, output, error.Result);
    }
}
