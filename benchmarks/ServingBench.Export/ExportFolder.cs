namespace ServingBench.Export;

/// <summary>A problem the user can fix (a folder in the way, a model the servers cannot take): one line, no stack trace.</summary>
public sealed class ExportException(string message) : Exception(message);

/// <summary>
/// A server's folder under the export directory, rewritten whole on every export so nothing stale survives
/// (an old batching file, a model no longer exported). A marker file proves the folder is the export's own; a
/// non-empty folder without it is refused rather than deleted.
/// </summary>
internal static class ExportFolder
{
    public const string MarkerName = ".servingbench-export";

    /// <summary>An empty <paramref name="path"/>, marked as the export's.</summary>
    public static string Recreate(string path)
    {
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            if (!File.Exists(Path.Combine(path, MarkerName)))
            {
                throw new ExportException($"'{path}' exists and was not written by `models export`; remove it or choose another --output");
            }

            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, MarkerName), "Written by `models export`; rewritten whole by the next one.\n");
        return path;
    }
}
