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
    /// <summary>Warm-ups of the suite's job (see <see cref="SuiteJob"/>).</summary>
    public const int WarmupCount = 3;

    /// <summary>Measured iterations of the suite's job (see <see cref="SuiteJob"/>).</summary>
    public const int IterationCount = 10;

    /// <summary>
    /// The job a class runs unless the command line names one (<c>--job dry</c>, <c>--job short</c> …): by default
    /// ten 100 ms iterations after three warm-ups. That resolves microsecond and millisecond operations to a few
    /// percent while keeping <c>--filter '*Serialization*'</c> (≈170 cases, one process each) within about ten
    /// minutes on two cores. Classes with slow operations ask for fewer counts through <see cref="SuiteJobAttribute"/>.
    /// </summary>
    public static Job SuiteJob(int warmupCount = WarmupCount, int iterationCount = IterationCount) => Job.Default
        .WithId("ServingBench")
        .WithWarmupCount(warmupCount)
        .WithIterationCount(iterationCount)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .AsDefault();

    /// <summary>
    /// The suite's config. It holds no job: each class brings the suite's job as its default
    /// (<see cref="SuiteJobAttribute"/>), and a job from the command line or a test replaces it. BenchmarkDotNet
    /// works in <paramref name="artifactsPath"/> (default: results/bdn/, not committed); Program gives each run its own.
    /// </summary>
    public static IConfig Create(string? artifactsPath = null) => ManualConfig.CreateEmpty()
        .AddColumnProvider(DefaultColumnProviders.Instance)
        .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max)
        .AddColumn(WireBytesColumn.Request, WireBytesColumn.Response, RatioToCaseColumn.Memcpy, RatioToCaseColumn.Raw)
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
