using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ServingBench.Config;

/// <summary>
/// Fewer warm-ups and iterations for a class whose operations take seconds (model inference), applied to the
/// suite's default job. When the command line names a job (<c>--job dry</c>), that job is left as it is, so a
/// smoke run stays a smoke run; a class-level <c>[SimpleJob]</c> would instead run beside it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SlowOperationsAttribute : Attribute, IConfigSource
{
    public SlowOperationsAttribute(int warmupCount, int iterationCount)
    {
        Config = ServingBenchConfig.CommandLineNamesJob
            ? ManualConfig.CreateEmpty()
            : ManualConfig.CreateEmpty().AddJob(Job.Default.WithWarmupCount(warmupCount).WithIterationCount(iterationCount).AsMutator());
    }

    public IConfig Config { get; }
}
