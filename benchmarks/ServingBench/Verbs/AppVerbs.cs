using System.CommandLine;

namespace ServingBench.Verbs;

/// <summary>
/// The app's verbs (<c>serve</c>, <c>models</c>, …), parsed by System.CommandLine. Anything that is not a verb goes to
/// BenchmarkDotNet's switcher instead (<c>--filter '*'</c>, <c>--list flat</c>), so <see cref="IsVerb"/> decides first.
/// </summary>
/// <remarks>
/// Each verb is one <see cref="Command"/> built by its own class in this folder; this is the one list of them. A verb
/// reports a user mistake as one line on stderr and a non-zero exit (System.CommandLine prints parse errors and usage).
/// </remarks>
public static class AppVerbs
{
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

    /// <summary>True when <paramref name="args"/> starts with a verb (or asks for the verbs' help) rather than switcher options.</summary>
    public static bool IsVerb(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Length > 0 && !args[0].StartsWith('-');
    }

    public static int Run(string[] args) => Create().Parse(args).Invoke();
}
