using System.CommandLine;

namespace ServingBench.Verbs;

/// <summary>
/// The app's verbs (<c>serve</c>, <c>models</c>, …), parsed by System.CommandLine. Anything that is not a verb goes to
/// BenchmarkDotNet's switcher instead (<c>--filter '*'</c>, <c>--list flat</c>), so <see cref="Classify"/> decides first.
/// </summary>
/// <remarks>
/// Each verb is one <see cref="Command"/> built by its own class in this folder; this is the one list of them. A verb
/// reports a user mistake as one line on stderr and a non-zero exit (System.CommandLine prints parse errors and usage).
/// </remarks>
public static class AppVerbs
{
    /// <summary>What the first word of a command line asks for.</summary>
    public enum Kind
    {
        /// <summary>BenchmarkDotNet's switcher: options only (<c>--filter '*'</c>), or nothing at all.</summary>
        Benchmarks,

        /// <summary>One of the verbs, or <c>help</c>.</summary>
        Verb,

        /// <summary>A word that is neither: a mistyped verb, or a pattern given without <c>--filter</c>.</summary>
        Unknown,
    }

    public const string HelpVerb = "help";

    /// <summary>The options that ask BenchmarkDotNet (and, before it, the app) for help.</summary>
    public static readonly IReadOnlySet<string> HelpOptions = new HashSet<string>(StringComparer.Ordinal) { "--help", "-h", "-?" };

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "ServingBench: with no verb, BenchmarkDotNet's switcher runs the benchmarks (--filter '*', --list flat, --job dry).");
        root.Subcommands.Add(ServeVerb.Create());
        root.Subcommands.Add(ModelsVerb.Create());
        root.Subcommands.Add(LoadVerb.Create());
        root.Subcommands.Add(ReportVerb.Create());
        return root;
    }

    /// <summary>The verbs' names, in the order the help lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Create().Subcommands.Select(c => c.Name)];

    public static Kind Classify(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return Kind.Benchmarks;
        }

        return args[0] == HelpVerb || Names.Contains(args[0]) ? Kind.Verb : Kind.Unknown;
    }

    /// <summary>Runs a verb; <c>help</c> alone is the app's whole help, <c>help &lt;verb&gt;</c> that verb's options.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args[0] == HelpVerb)
        {
            if (args.Length == 1)
            {
                Console.Write(Usage());
                return 0;
            }

            args = [args[1], "--help"];
        }

        return Create().Parse(args).Invoke();
    }

    /// <summary>
    /// The app's own usage, which <c>--help</c> prints above BenchmarkDotNet's options: the benchmark switcher, then each
    /// verb with its purpose (the verbs' own descriptions) and where its options are.
    /// </summary>
    public static string Usage()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("ServingBench: what the serving framework, the protocol and the payload encoding cost, from the client's side.");
        text.AppendLine();
        text.AppendLine("Usage (from the repository root; in benchmarks/ServingBench leave out --project):");
        text.AppendLine("  dotnet run -c Release --project benchmarks/ServingBench -- --filter '<pattern>' [BenchmarkDotNet options]");
        text.AppendLine("      Run the benchmarks: --filter '*' runs every case, --list flat lists them, --job dry is a smoke run.");
        text.AppendLine("      Quote the pattern: unquoted, the shell turns * into the folder's file names.");
        text.AppendLine("  dotnet run -c Release --project benchmarks/ServingBench -- <verb> [options]");
        int width = Names.Max(n => n.Length);
        foreach (var verb in Create().Subcommands)
        {
            text.AppendLine($"      {verb.Name.PadRight(width)}  {verb.Description}");
        }

        text.AppendLine($"      `<verb> --help` or `help <verb>` shows a verb's options.");
        text.AppendLine();
        text.AppendLine("BenchmarkDotNet's options, for the benchmark run:");
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>One line for a first word that is no verb: the nearest verb when it looks like a typo of one.</summary>
    public static string Unknown(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var (nearest, distance) = Names.Select(n => (Name: n, Distance: EditDistance(word, n))).MinBy(p => p.Distance);
        return distance <= Math.Max(1, nearest.Length / 3)
            ? $"'{word}' is not a verb; did you mean {nearest}? (verbs: {string.Join(", ", Names)}; --help lists everything)"
            : $"'{word}' is not a verb ({string.Join(", ", Names)}); to run benchmarks, name them with --filter '<pattern>' (--help lists everything)";
    }

    /// <summary>Levenshtein distance: the fewest single-character insertions, deletions or substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
