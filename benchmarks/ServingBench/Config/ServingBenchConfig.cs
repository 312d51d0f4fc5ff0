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
    /// The job used unless the command line names one (<c>--job dry</c>, <c>--job short</c> …): ten 100 ms
    /// iterations after three warm-ups. That resolves microsecond and millisecond operations to a few percent while
    /// keeping <c>--filter '*Serialization*'</c> (≈170 cases, one process each) within about ten minutes on two
    /// cores. Classes with slow operations (seconds) lower their counts with attributes.
    /// </summary>
    public static Job DefaultJob { get; } = Job.Default
        .WithId("ServingBench")
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .AsDefault();

    /// <summary>
    /// The suite's config. The default job is left out when the command line names a job: BenchmarkDotNet would
    /// otherwise take a config's default job as the base and ignore <c>--job</c>. BenchmarkDotNet works in
    /// <paramref name="artifactsPath"/> (default: results/bdn/, not committed); Program gives each run its own.
    /// </summary>
    public static IConfig Create(bool withDefaultJob = true, string? artifactsPath = null)
    {
        var config = ManualConfig.CreateEmpty();
        if (withDefaultJob)
        {
            config.AddJob(DefaultJob);
        }

        return config
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max)
            .AddColumn(WireBytesColumn.Request, WireBytesColumn.Response, RatioToCaseColumn.Memcpy, RatioToCaseColumn.Raw)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, CsvExporter.Default, JsonExporter.Full)
            .AddLogger(ConsoleLogger.Default)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddValidator(CategoryValidator.Instance)
            .WithArtifactsPath(artifactsPath ?? Path.Combine(RepositoryPaths.Results, "bdn"))
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared))
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(64))
            .WithOptions(ConfigOptions.DisableLogFile);
    }

    /// <summary>Set by Program when the command line names a job; <see cref="SlowOperationsAttribute"/> then stands back.</summary>
    public static bool CommandLineNamesJob { get; set; }

    /// <summary>True when the arguments name a job preset (<c>--job dry</c>, <c>-j short</c>).</summary>
    public static bool NamesJob(IEnumerable<string> args) => args.Any(a => a is "--job" or "-j");
}
