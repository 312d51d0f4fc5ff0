using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.ConsoleArguments;
using BenchmarkDotNet.Loggers;

namespace ServingBench.Config;

/// <summary>
/// The cases a command line selects, worked out by BenchmarkDotNet itself: its own parser reads the arguments
/// (so <c>--filter</c> is its <c>GlobFilter</c>, and category or attribute filters count too) and its own converter
/// applies them, so <c>--list flat</c>, the models build and the skip line agree with what the switcher runs.
/// </summary>
public sealed class CaseListing
{
    private readonly Type[] _types;
    private readonly IConfig _run;
    private readonly IConfig _commandLine;

    private CaseListing(Type[] types, IConfig run, IConfig commandLine)
    {
        (_types, _run, _commandLine) = (types, run, commandLine);
    }

    /// <summary>Whether the command line names a filter (without one the switcher asks interactively and runs nothing yet).</summary>
    public bool HasFilter => _commandLine.GetFilters().Any();

    /// <summary>
    /// Reads <paramref name="args"/> as the switcher will, with <paramref name="config"/> as its global config.
    /// Null when BenchmarkDotNet rejects them; the switcher then says why.
    /// </summary>
    public static CaseListing? FromCommandLine(Assembly assembly, string[] args, IConfig config)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var (parsed, commandLine, _) = ConfigParser.Parse(args, NullLogger.Instance, config);
        if (!parsed || commandLine is null)
        {
            return null;
        }

        var types = assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkAttribute), false)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
        return new CaseListing(types, ManualConfig.Union(config, commandLine), commandLine);
    }

    /// <summary>The globs after <c>--filter</c> (or <c>-f</c>), as BenchmarkDotNet reads them; none when it rejects the arguments.</summary>
    public static IReadOnlyList<string> Filters(string[] args) =>
        ConfigParser.Parse(args, NullLogger.Instance).options?.Filters.ToArray() ?? [];

    public static bool IsFlatListRequest(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int index = Array.IndexOf(args, "--list");
        return index >= 0 && index + 1 < args.Length && args[index + 1].Equals("flat", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The cases the switcher will run, of every benchmark class or of <paramref name="type"/> only.</summary>
    public IEnumerable<BenchmarkCase> Cases(Type? type = null) =>
        (type is null ? _types : [type]).SelectMany(t => BenchmarkConverter.TypeToBenchmarks(t, _run).BenchmarksCases);

    /// <summary>The cases of <paramref name="type"/> the command line's filters select before the suite leaves any out.</summary>
    public IEnumerable<BenchmarkCase> Requested(Type type) => BenchmarkConverter.TypeToBenchmarks(type, _commandLine).BenchmarksCases;

    /// <summary>Every selected case by its readable name: <c>…SerializationBenchmarks.EncodeRequest [Case=resnet50-tensor/triton-grpc-raw]</c>.</summary>
    public void Print(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int count = 0;
        foreach (var benchmark in Cases())
        {
            string name = benchmark.Descriptor.GetFilterName();
            output.WriteLine(benchmark.HasParameters ? $"{name} [{benchmark.Parameters.PrintInfo}]" : name);
            count++;
        }

        output.WriteLine($"{count} cases");
    }

    /// <summary>
    /// Whether the switcher will run any case of the class named <paramref name="typeName"/>; a command line without a
    /// filter counts as selecting every class (the switcher then asks which to run).
    /// </summary>
    public bool SelectsOrAll(string typeName) =>
        !HasFilter || _types.Where(t => t.Name == typeName).Any(t => Cases(t).Any());
}
