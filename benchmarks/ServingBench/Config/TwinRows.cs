using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;

namespace ServingBench.Config;

/// <summary>A case that reads against another: a half-precision or compressed row and its FP32, uncompressed twin.</summary>
public interface ITwinnedCase
{
    /// <summary>The twin's case name (<c>resnet50-tensor/triton-grpc-raw</c>); null for a plain row.</summary>
    string? TwinName { get; }
}

/// <summary>
/// A <c>--filter</c> that selects half-precision or compressed rows runs their twins too (the same method of the FP32 or
/// uncompressed case), so <c>--filter '*fp16*'</c> or <c>'*gzip*'</c> shows each new row beside the row it saves
/// against, and its ratio columns have their references. The twins are added to the command line as exact names, so the
/// run, <c>--list flat</c> and the manifest all see them.
/// </summary>
public static class TwinRows
{
    /// <summary>The command line with the missing twins' names added to <c>--filter</c>, and how many were added.</summary>
    public static (string[] Args, int Added) Expand(string[] args, IConfig config)
    {
        ArgumentNullException.ThrowIfNull(args);
        var selection = CaseListing.FromCommandLine(typeof(Program).Assembly, args, config);
        int option = Array.FindIndex(args, a => a is "--filter" or "-f");
        if (selection is not { HasFilter: true } || option < 0)
        {
            return (args, 0);
        }

        var selected = selection.Cases().ToList();
        var names = selected.Select(FullNameProvider.GetBenchmarkName).ToHashSet(StringComparer.Ordinal);
        var everything = CaseListing.FromCommandLine(typeof(Program).Assembly, ["--filter", "*"], config);
        var twins = new List<string>();
        foreach (var benchmark in selected)
        {
            if (CaseOf(benchmark)?.TwinName is not { } twinName)
            {
                continue;
            }

            var twin = everything?.Cases(benchmark.Descriptor.Type).FirstOrDefault(b =>
                b.Descriptor.WorkloadMethod.Name == benchmark.Descriptor.WorkloadMethod.Name && CaseOf(b)?.ToString() == twinName);
            if (twin is not null && names.Add(FullNameProvider.GetBenchmarkName(twin)))
            {
                twins.Add(FullNameProvider.GetBenchmarkName(twin));
            }
        }

        if (twins.Count == 0)
        {
            return (args, 0);
        }

        // BenchmarkDotNet reads every value after --filter up to the next option as a pattern.
        int end = option + 1;
        while (end < args.Length && !args[end].StartsWith('-'))
        {
            end++;
        }

        return ([.. args[..end], .. twins, .. args[end..]], twins.Count);
    }

    /// <summary>The one line that says what was added.</summary>
    public static string Note(int added) =>
        $"--filter also runs the {added} FP32 or uncompressed twin row(s) of the half-precision and compressed rows it selects, so each reads beside its twin.";

    private static ITwinnedCase? CaseOf(BenchmarkCase benchmark) =>
        benchmark.Parameters.Items.FirstOrDefault(p => p.Name == "Case")?.Value as ITwinnedCase;
}
