using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ServingBench.Config;

/// <summary>
/// Lets tiered compilation promote hot methods as soon as they are hot (<c>DOTNET_TC_CallCountingDelayMs=0</c>)
/// in the benchmark processes of a class that runs a web server and client together: there, a steady trickle of
/// first-time JIT work from Kestrel and HttpClient keeps postponing promotion, and a fresh process needed
/// thousands of calls to reach steady state. Code quality at steady state is the same (PGO stays on).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PromptTieringAttribute : Attribute, IConfigSource
{
    public IConfig Config { get; } = ManualConfig.CreateEmpty()
        .AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0")).AsMutator());
}
