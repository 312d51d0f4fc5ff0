using System.Runtime.CompilerServices;
using ServingBench.Payloads;

namespace ServingBench.Config;

/// <summary>
/// Hands the libraries the process-wide settings they take, once, as this assembly loads. A module initializer
/// rather than a line in Program.Main: BenchmarkDotNet's child processes run the benchmark classes from this
/// assembly without ever calling Main, and their setups build payloads that read fixtures.
/// </summary>
internal static class LibrarySettings
{
    [ModuleInitializer]
    internal static void Apply() => FixtureFiles.OverrideFolder = RunSettings.FixturesFolder();
}
