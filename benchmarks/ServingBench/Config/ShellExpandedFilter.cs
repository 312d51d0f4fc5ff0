namespace ServingBench.Config;

/// <summary>
/// Recognises a <c>--filter</c> that the shell has already expanded. Typed unquoted in bash, <c>--filter *</c> reaches
/// the app as the names of the current folder's entries (<c>Benchmarks Composition Config Program.cs …</c>), which
/// BenchmarkDotNet then reports as typos. When every value is an entry of the folder and none selects a case, the
/// values were file names, not patterns: the whole listing of the folder is what <c>*</c> became, so the run goes on
/// as <c>--filter '*'</c> with one line saying so; a part of it is a narrower pattern that cannot be recovered, so
/// the user gets one line asking to quote it. A value that selects a case is a real pattern and is never rewritten.
/// </summary>
public static class ShellExpandedFilter
{
    /// <summary>What <see cref="Repair"/> decided: the arguments to run with, and the one line to print (or none).</summary>
    public sealed record Outcome(string[] Args, string? Note, bool Refused);

    private const int NamesShown = 4;

    /// <param name="args">The command line after <c>--</c>.</param>
    /// <param name="currentDirectory">Where the shell expanded the pattern: the process's working folder.</param>
    /// <param name="selectsCases">Whether a filter value selects any case, as BenchmarkDotNet's own filter decides.</param>
    public static Outcome Repair(string[] args, string currentDirectory, Func<string, bool> selectsCases)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(selectsCases);
        int option = Array.FindIndex(args, a => a is "--filter" or "-f");
        if (option < 0)
        {
            return new Outcome(args, null, Refused: false);
        }

        // BenchmarkDotNet reads every value up to the next option as a filter (`--filter A B`).
        int end = option + 1;
        while (end < args.Length && !args[end].StartsWith('-'))
        {
            end++;
        }

        string[] values = args[(option + 1)..end];
        if (values.Length == 0 || !values.All(v => IsEntryName(currentDirectory, v)) || values.Any(selectsCases))
        {
            return new Outcome(args, null, Refused: false);
        }

        string shown = Shown(values);
        if (values.ToHashSet(StringComparer.Ordinal).SetEquals(VisibleEntries(currentDirectory)))
        {
            string[] repaired = [.. args[..(option + 1)], "*", .. args[end..]];
            return new Outcome(repaired,
                $"--filter got this folder's {values.Length} entries ({shown}): the shell expanded an unquoted *, so this runs --filter '*' (quote the pattern to pass it as typed: --filter '*').",
                Refused: false);
        }

        return new Outcome(args,
            $"--filter got names of entries in this folder ({shown}) and none selects a benchmark: the shell expanded an unquoted pattern; quote it, e.g. --filter '*Serialization*'.",
            Refused: true);
    }

    private static bool IsEntryName(string directory, string value) =>
        value.Length > 0
        && value.IndexOfAny(['*', '?', '[', '/', '\\']) < 0
        && (File.Exists(Path.Combine(directory, value)) || Directory.Exists(Path.Combine(directory, value)));

    /// <summary>The names bash's <c>*</c> expands to: every entry not starting with a dot.</summary>
    private static HashSet<string> VisibleEntries(string directory) =>
        Directory.EnumerateFileSystemEntries(directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !name.StartsWith('.'))
            .ToHashSet(StringComparer.Ordinal);

    private static string Shown(string[] values) =>
        values.Length <= NamesShown ? string.Join(", ", values) : string.Join(", ", values.Take(NamesShown)) + ", …";
}
