using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ServingBench.Config;

namespace ServingBench;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher (<c>--filter '*'</c>, <c>--list flat</c>, <c>--job dry</c> …) with the
/// suite's config, plus the verbs <c>serve</c> and <c>models</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            return RunVerb(args[0], args[1..]);
        }

        var config = ServingBenchConfig.Create(withDefaultJob: !ServingBenchConfig.NamesJob(args));
        if (CaseListing.IsFlatListRequest(args))
        {
            CaseListing.Print(typeof(Program).Assembly, args, config, Console.Out);
            return 0;
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
        ReportPublisher.Publish(summaries, RepositoryPaths.Results, Console.Out);
        return summaries.Any(HasErrors) ? 1 : 0;
    }

    private static bool HasErrors(Summary summary) =>
        summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success || r.ResultStatistics is null);

    private static int RunVerb(string verb, string[] args)
    {
        switch (verb)
        {
            default:
                Console.Error.WriteLine($"unknown verb '{verb}'. Verbs: serve, models; or BenchmarkDotNet options such as --filter '*', --list flat.");
                return 2;
        }
    }
}
