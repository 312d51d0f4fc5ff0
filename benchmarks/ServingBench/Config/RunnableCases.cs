using BenchmarkDotNet.Filters;
using ServingBench.Benchmarks;

namespace ServingBench.Config;

/// <summary>
/// Leaves out the InProcess rows this build or machine cannot run (CUDA without a CUDA package or a GPU), so a
/// run never fails on them; <see cref="Describe"/> says why in one line when a filter asked for them.
/// </summary>
public sealed class RunnableCases : IFilter
{
    public static RunnableCases Instance { get; } = new();

    public bool Predicate(BenchmarkCase benchmarkCase) => WhyNot(benchmarkCase) is null;

    /// <summary>
    /// One line naming the left-out rows among <paramref name="cases"/> and why, grouped by reason; null when
    /// every case can run.
    /// </summary>
    public static string? Describe(IEnumerable<BenchmarkCase> cases)
    {
        var reasons = cases
            .Select(b => (Row: CaseOf(b), Why: WhyNot(b)))
            .Where(r => r.Row is not null && r.Why is not null)
            .GroupBy(r => r.Why!, StringComparer.Ordinal)
            .Select(g => $"{string.Join(", ", g.Select(r => r.Row!.ToString()).Distinct())}: {g.Key}")
            .ToList();
        return reasons.Count == 0 ? null : $"// InProcess rows left out: {string.Join("; ", reasons)}";
    }

    private static InProcessCase? CaseOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Value is InProcessCase)?.Value as InProcessCase;

    private static string? WhyNot(BenchmarkCase benchmarkCase) => CaseOf(benchmarkCase)?.WhyNot;
}
