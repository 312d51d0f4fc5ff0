using System.Globalization;
using ServingBench.Config;

namespace ServingBench.Verbs;

/// <summary>
/// Where a load run writes: <c>&lt;results root&gt;/runs/&lt;yyyyMMddTHHmmssZ&gt;-&lt;host&gt;/load/</c> (common run-folder naming).
/// One small method on purpose: it gives way to ServingBench.Reports.Runs.RunFolder (with its manifest) once that exists.
/// </summary>
internal static class LoadRunFolder
{
    public static string Create()
    {
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string folder = Path.Combine(RepositoryPaths.Results, "runs", $"{stamp}-{Environment.MachineName}", "load");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
