using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace ServingBench.Config;

/// <summary>The one config applied to every benchmark of the suite (Program passes it to the switcher).</summary>
public static class ServingBenchConfig
{
    /// <summary>
    /// The suite job's warm-up count meaning "until the time per operation stops falling": BenchmarkDotNet's automatic
    /// warm-up, which ends once the iterations fluctuate instead of trending, between <see cref="MinWarmupCount"/> and
    /// <see cref="MaxWarmupCount"/> iterations. A fixed three warm-ups left the first measured iterations of some cases
    /// still falling as tiered compilation promoted the decoders (one published row went from 10.8 ms to 0.87 ms over
    /// its first 13 measured iterations), which read as noise and widened the error past the report's 5 % mark.
    /// </summary>
    public const int AutomaticWarmup = -1;

    /// <summary>Warm-ups of the suite's job at least: BenchmarkDotNet's own minimum for its automatic warm-up.</summary>
    public const int MinWarmupCount = 6;

    /// <summary>Warm-ups at most, so that a case whose time keeps drifting still ends (1.5 s at 50 ms iterations).</summary>
    public const int MaxWarmupCount = 30;

    /// <summary>
    /// How long one measured iteration runs. 50 ms rather than BenchmarkDotNet's 500 ms or the 100 ms used before:
    /// this VM's noise comes as runs of slow iterations (a neighbour's burst lasting a few hundred milliseconds), so
    /// the error a row can reach in a fixed time depends on how many iterations that time holds, not on how long each
    /// is. Twice as many half-length iterations cost the same time and narrow the interval by about √2.
    /// </summary>
    public const int IterationMilliseconds = 50;

    /// <summary>Measured iterations at least: enough for a confidence interval worth printing (0.75 s at 50 ms).</summary>
    public const int MinIterationCount = 15;

    /// <summary>Measured iterations at most, when the stopping rule is not met sooner (see <see cref="SuiteJob"/>): 2 s.</summary>
    public const int MaxIterationCount = 40;

    /// <summary>
    /// The stopping rule's target: half the 99.9 % confidence interval under 4 % of the mean. Reports mark rows
    /// above 5 % as noisy; the 1 % between leaves room for outlier removal between the rule and the summary.
    /// </summary>
    public const double MaxRelativeError = 0.04;

    /// <summary>
    /// The job a class runs unless the command line names one (<c>--job dry</c>, <c>--job short</c> …): 50 ms
    /// iterations (<see cref="IterationMilliseconds"/>) after an automatic warm-up (<see cref="AutomaticWarmup"/>), at
    /// least 15 and at most 40 of them, stopping as soon as BenchmarkDotNet's own rule finds the error under
    /// <see cref="MaxRelativeError"/> of the mean. Quiet cases stop after 0.75 s; noisy ones take up to 1.25 s more.
    /// Classes with slow operations ask for other counts through <see cref="SuiteJobAttribute"/>.
    /// </summary>
    public static Job SuiteJob(int warmupCount = AutomaticWarmup, int minIterationCount = MinIterationCount, int maxIterationCount = MaxIterationCount) =>
        WithWarmup(Job.Default.WithId("ServingBench"), warmupCount)
        .WithMinIterationCount(minIterationCount)
        .WithMaxIterationCount(maxIterationCount)
        .WithMaxRelativeError(MaxRelativeError)
        .WithIterationTime(TimeInterval.FromMilliseconds(IterationMilliseconds))
        .AsDefault();

    private static Job WithWarmup(Job job, int warmupCount) => warmupCount == AutomaticWarmup
        ? job.WithMinWarmupCount(MinWarmupCount).WithMaxWarmupCount(MaxWarmupCount)
        : job.WithWarmupCount(warmupCount);

    /// <summary>
    /// The suite's config. It holds no job: each class brings the suite's job as its default
    /// (<see cref="SuiteJobAttribute"/>), and a job from the command line or a test replaces it. BenchmarkDotNet
    /// works in <paramref name="artifactsPath"/> (default: results/bdn/, not committed); Program gives each run its own.
    /// </summary>
    public static IConfig Create(string? artifactsPath = null) => ManualConfig.CreateEmpty()
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max)
        .AddColumn(WireBytesColumn.Request, WireBytesColumn.Response, RatioToCaseColumn.Memcpy, RatioToCaseColumn.Raw)
        .AddColumn([.. PerItemColumn.All])
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default, JsonExporter.Full)
        .AddLogger(ConsoleLogger.Default)
        .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
        .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
        .AddValidator(CategoryValidator.Instance)
        .AddFilter(RunnableCases.Instance)
        .WithArtifactsPath(artifactsPath ?? Path.Combine(RepositoryPaths.Results, "bdn"))
        .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared))
        .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(64))
        .WithOptions(ConfigOptions.DisableLogFile);
}
