using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ServingBench.Config;

/// <summary>
/// Lets tiered compilation promote hot methods as soon as they are hot (<c>DOTNET_TC_CallCountingDelayMs=0</c>)
/// in the benchmark processes of a class. The runtime waits for 100 ms without new first-time JIT work before it
/// promotes anything, and every newly called method restarts that wait: a class that runs a web server and client
/// together (a steady trickle from Kestrel and HttpClient) needed thousands of calls to reach steady state, and
/// serializers that meet new code paths for a while (System.Text.Json's converters) were still speeding up during
/// the measured iterations. Code quality at steady state is the same (PGO stays on).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PromptTieringAttribute : Attribute, IConfigSource
{
    public IConfig Config { get; } = ManualConfig.CreateEmpty()
        .AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0")).AsMutator());
}
