using System.Diagnostics;
using ServingBench.Config;

namespace ServingBench.Tests;

/// <summary>Environment for a test's child process of the app.</summary>
internal static class ChildEnvironment
{
    /// <summary>
    /// Gives the child exactly <paramref name="variables"/> of the SERVINGBENCH_* ones: not whatever this test process
    /// was started with (a developer's SERVINGBENCH_RESULTS or server addresses would change what the test checks).
    /// </summary>
    public static void SetServingBenchVariables(ProcessStartInfo start, IEnumerable<(string Name, string Value)> variables)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(variables);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith(RunSettings.VariablePrefix, StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }
    }
}
