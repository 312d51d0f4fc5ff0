using System.CommandLine;
using ServingBench.Load;
using ServingBench.Reports.Comparison;

namespace ServingBench.Verbs;

/// <summary>
/// <c>report compare [&lt;base&gt;] [&lt;new&gt;] [--threshold 3%] [--allow-different-machines] [--output DIR]</c>: two runs
/// compared row by row (or step by step) with a statistical test, a page and a ratio chart, and an exit code a
/// pipeline can gate on.
/// </summary>
internal static class CompareVerb
{
    /// <summary>No row or step got slower.</summary>
    public const int NoRegression = 0;

    /// <summary>The runs could not be read or compared (missing, refused, unreadable).</summary>
    public const int CannotCompare = 1;

    /// <summary>A flag's value is malformed.</summary>
    public const int BadInput = 2;

    /// <summary>At least one row or step got slower beyond the threshold.</summary>
    public const int Regression = 3;

    public static Command Create()
    {
        var baseRun = new Argument<string?>("base") { Description = "The base run: an id under results/runs/ or a run folder's path (default: the newest published run of the new run's kind on this machine).", Arity = ArgumentArity.ZeroOrOne };
        var newRun = new Argument<string?>("new") { Description = "The new run, the same way (default: the newest run).", Arity = ArgumentArity.ZeroOrOne };
        var threshold = new Option<string>("--threshold")
        {
            Description = "The smallest change worth calling, as a percentage; per class the drift between the two runs can raise it.",
            DefaultValueFactory = _ => FormattableString.Invariant($"{ShiftTest.DefaultThreshold * 100:0.#}%"),
        };
        var allowDifferent = new Option<bool>("--allow-different-machines") { Description = "Compare runs of different machines or jobs anyway; the page says so." };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for compare.md and its charts (default: compare-<base id>/ inside the new run's folder)." };
        var command = new Command("compare", "Compare two runs with a statistical test: per row (or load step) both figures, their ratio and a verdict; exit 3 when one got slower.")
        {
            baseRun, newRun, threshold, allowDifferent, output,
        };
        command.SetAction(parse => Run(
            parse.GetValue(baseRun), parse.GetValue(newRun), parse.GetValue(threshold)!, parse.GetValue(allowDifferent), parse.GetValue(output),
            RepositoryPaths.Results, Console.Out, Console.Error));
        return command;
    }

    internal static int Run(string? baseRun, string? newRun, string threshold, bool allowDifferentMachines, string? output, string resultsRoot, TextWriter console, TextWriter error)
    {
        if (ParseThreshold(threshold) is not { } limit)
        {
            error.WriteLine($"report compare: --threshold '{threshold}' is not a percentage from 0% to 100% such as 3% or 2.5%");
            return BadInput;
        }

        try
        {
            var runs = CompareSelection.Choose(resultsRoot, baseRun, newRun, allowDifferentMachines, console);
            var test = ShiftTest.Default.WithThreshold(limit);
            var outcome = RunComparer.Compare(runs, test, IntervalLog.StepWindows, output is null ? RunComparer.DefaultOutput(runs) : Path.GetFullPath(output));
            console.WriteLine(outcome.Summary);
            console.WriteLine($"Wrote {RunRecorder.Readable(outcome.PagePath)} and {outcome.ChartFiles.Count} chart files");
            if (outcome.HasRegression)
            {
                error.WriteLine($"report compare: {runs.New.Folder.Id} is slower than {runs.Base.Folder.Id} (see above); exit {Regression}");
                return Regression;
            }

            return NoRegression;
        }
        catch (Exception e) when (e is ComparisonRefusedException or InvalidOperationException or DirectoryNotFoundException or InvalidDataException
            or System.Text.Json.JsonException or KeyNotFoundException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"report compare: {e.Message}");
            return CannotCompare;
        }
    }

    /// <summary>"3%", "2.5 %" → 0.03, 0.025; null for anything else.</summary>
    internal static double? ParseThreshold(string text)
    {
        string trimmed = text.Trim();
        if (!trimmed.EndsWith('%'))
        {
            return null;
        }

        return double.TryParse(trimmed[..^1].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double percent) && percent is >= 0 and <= 100
            ? percent / 100
            : null;
    }
}
