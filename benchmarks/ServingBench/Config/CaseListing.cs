using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace ServingBench.Config;

/// <summary>
/// <c>--list flat</c> with every case by its readable name (BenchmarkDotNet's own listing stops at methods):
/// <c>ServingBench.Benchmarks.SerializationBenchmarks.EncodeRequest [Case=resnet50-tensor/triton-grpc-raw]</c>.
/// Honours <c>--filter</c> globs the way the switcher does (on Namespace.Type.Method).
/// </summary>
public static class CaseListing
{
    public static bool IsFlatListRequest(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int index = Array.IndexOf(args, "--list");
        return index >= 0 && index + 1 < args.Length && args[index + 1].Equals("flat", StringComparison.OrdinalIgnoreCase);
    }

    public static void Print(Assembly assembly, string[] args, IConfig config, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var selected = Select(assembly, args, config).ToList();
        foreach (var (name, parameters) in selected)
        {
            output.WriteLine(parameters.Length > 0 ? $"{name} [{parameters}]" : name);
        }

        output.WriteLine($"{selected.Count} cases");
    }

    /// <summary>Whether the command line's filters select any case of the benchmark class named <paramref name="typeName"/>.</summary>
    public static bool Selects(Assembly assembly, string[] args, IConfig config, string typeName) =>
        Filters(args).Any() && Select(assembly, args, config, typeName).Any();

    /// <summary>Like <see cref="Selects"/>, but a command line without filters counts as selecting every class (the switcher then asks).</summary>
    public static bool SelectsOrAll(Assembly assembly, string[] args, IConfig config, string typeName) =>
        !Filters(args).Any() || Select(assembly, args, config, typeName).Any();

    private static IEnumerable<(string Name, string Parameters)> Select(Assembly assembly, string[] args, IConfig config, string? typeName = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var filters = Filters(args).Select(Glob).ToList();
        var types = assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.GetMethods().Any(IsBenchmark) && (typeName is null || t.Name == typeName))
            .OrderBy(t => t.FullName);
        foreach (var type in types)
        {
            foreach (var benchmark in BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases)
            {
                // Filters match the method's full name or that name with its parameters, as the switcher's do.
                string name = benchmark.Descriptor.GetFilterName();
                string parameters = benchmark.HasParameters ? benchmark.Parameters.PrintInfo : string.Empty;
                string withParameters = $"{name}({parameters})";
                if (filters.Count == 0 || filters.Any(f => f.IsMatch(name) || f.IsMatch(withParameters)))
                {
                    yield return (name, parameters);
                }
            }
        }
    }

    private static bool IsBenchmark(MethodInfo method) => method.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false).Length > 0;

    /// <summary>The globs after <c>--filter</c> (or <c>-f</c>).</summary>
    public static IEnumerable<string> Filters(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--filter" or "-f")
            {
                for (int j = i + 1; j < args.Length && !args[j].StartsWith('-'); j++)
                {
                    yield return args[j];
                }
            }
        }
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase);
}
