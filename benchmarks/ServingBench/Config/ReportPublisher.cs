using BenchmarkDotNet.Reports;

namespace ServingBench.Config;

/// <summary>
/// Copies each run's reports (GitHub markdown, CSV, full JSON) from BenchmarkDotNet's artifacts folder to
/// results/, flat, so the files to publish sit in one place and a later run of the same class replaces them.
/// </summary>
public static class ReportPublisher
{
    /// <summary>Copies the reports written since <paramref name="runStarted"/> (older files there belong to earlier runs).</summary>
    public static void Publish(IEnumerable<Summary> summaries, string resultsDirectory, TextWriter output, DateTime runStarted)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var summary in summaries.Where(s => s.Reports.Length > 0))
        {
            if (!Directory.Exists(summary.ResultsDirectoryPath))
            {
                continue;
            }

            Directory.CreateDirectory(resultsDirectory);
            foreach (string file in Directory.EnumerateFiles(summary.ResultsDirectoryPath, "*-report*"))
            {
                if (File.GetLastWriteTime(file) < runStarted)
                {
                    continue;
                }

                string destination = Path.Combine(resultsDirectory, Path.GetFileName(file));
                File.Copy(file, destination, overwrite: true);
                output.WriteLine($"Published {Path.GetRelativePath(Directory.GetCurrentDirectory(), destination)}");
            }
        }
    }
}
