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
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(output);
        var filters = Filters(args).Select(Glob).ToList();
        int count = 0;
        foreach (var type in assembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract && t.GetMethods().Any(IsBenchmark)).OrderBy(t => t.FullName))
        {
            foreach (var benchmark in BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases)
            {
                string name = benchmark.Descriptor.GetFilterName();
                if (filters.Count > 0 && !filters.Any(f => f.IsMatch(name)))
                {
                    continue;
                }

                string parameters = benchmark.HasParameters ? $" [{benchmark.Parameters.PrintInfo}]" : string.Empty;
                output.WriteLine(name + parameters);
                count++;
            }
        }

        output.WriteLine($"{count} cases");
    }

    private static bool IsBenchmark(MethodInfo method) => method.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false).Length > 0;

    private static IEnumerable<string> Filters(string[] args)
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
