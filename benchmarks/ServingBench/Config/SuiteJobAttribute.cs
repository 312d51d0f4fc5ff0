using BenchmarkDotNet.Configs;

namespace ServingBench.Config;

/// <summary>
/// The suite's job for one benchmark class, as BenchmarkDotNet's <em>default</em> job of that class: what runs
/// when the command line names no job. Every benchmark class carries one (a test checks it); classes whose
/// operations take seconds (model inference) ask for fewer warm-ups and iterations. Every suite job stops by
/// BenchmarkDotNet's rule once the error is small enough (<see cref="ServingBenchConfig.MaxRelativeError"/>).
/// </summary>
/// <remarks>
/// Being a default job, not a mutator, is what keeps the command line in charge without any shared flag:
/// a job it names (<c>--job dry</c>, <c>--inProcess</c>, <c>--runtimes</c>) or a test's own job replaces
/// this one, and counts it gives alone (<c>--iterationCount 3</c>) are applied on top of this one.
/// </remarks>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SuiteJobAttribute : Attribute, IConfigSource
{
    public SuiteJobAttribute(
        int warmupCount = ServingBenchConfig.AutomaticWarmup,
        int minIterationCount = ServingBenchConfig.MinIterationCount,
        int maxIterationCount = ServingBenchConfig.MaxIterationCount)
    {
        Config = ManualConfig.CreateEmpty().AddJob(ServingBenchConfig.SuiteJob(warmupCount, minIterationCount, maxIterationCount));
    }

    public IConfig Config { get; }
}
