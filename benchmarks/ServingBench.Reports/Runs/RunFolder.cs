namespace ServingBench.Reports.Runs;

/// <summary>
/// One run's folder, <c>&lt;results root&gt;/runs/&lt;yyyyMMddTHHmmssZ&gt;-&lt;host&gt;/</c>: the BenchmarkDotNet reports and load
/// outputs of that run, and its <see cref="RunManifest"/>. Every run gets a new folder, so no run can change what
/// another one (or the published page built from others) says.
/// </summary>
public sealed class RunFolder
{
    /// <summary>The folder under the results root that holds one folder per run.</summary>
    public const string RunsDirectoryName = "runs";

    /// <summary>The manifest's file name inside a run folder.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>Load outputs (summary.json, summary.md, histograms, charts) go in this sub-folder.</summary>
    public const string LoadDirectoryName = "load";

    private const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";

    private RunFolder(string path)
    {
        FullPath = path;
        Id = System.IO.Path.GetFileName(path);
    }

    /// <summary>The folder's name, <c>20261201T063400Z-myhost</c>: sorts by start time.</summary>
    public string Id { get; }

    public string FullPath { get; }

    public string ManifestPath => System.IO.Path.Combine(FullPath, ManifestFileName);

    public string LoadDirectory => System.IO.Path.Combine(FullPath, LoadDirectoryName);

    /// <summary>
    /// Creates a new, empty run folder for a run started at <paramref name="startedUtc"/> on <paramref name="host"/>
    /// (default: this machine). Two runs started in the same second get <c>-2</c>, <c>-3</c> … rather than sharing one.
    /// </summary>
    public static RunFolder Create(string resultsRoot, DateTimeOffset startedUtc, string? host = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resultsRoot);
        string runs = System.IO.Path.Combine(System.IO.Path.GetFullPath(resultsRoot), RunsDirectoryName);
        Directory.CreateDirectory(runs);
        string baseId = startedUtc.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture) + "-" + HostLabel(host ?? Environment.MachineName);
        for (int attempt = 1; ; attempt++)
        {
            string id = attempt == 1 ? baseId : $"{baseId}-{attempt}";
            string path = System.IO.Path.Combine(runs, id);
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                return new RunFolder(path);
            }
        }
    }

    /// <summary>The run folder with this id under <paramref name="resultsRoot"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such run; the message names the runs folder.</exception>
    public static RunFolder Open(string resultsRoot, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(resultsRoot);
        ArgumentException.ThrowIfNullOrEmpty(id);
        string runs = System.IO.Path.Combine(System.IO.Path.GetFullPath(resultsRoot), RunsDirectoryName);
        string path = System.IO.Path.Combine(runs, id);
        if (id.Contains(System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) || !Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"no run '{id}' in {runs}");
        }

        return new RunFolder(path);
    }

    /// <summary>The run folder at <paramref name="path"/>, wherever it lies (a copy kept as a CI artifact, say).</summary>
    /// <exception cref="DirectoryNotFoundException">No folder with a manifest is there.</exception>
    public static RunFolder At(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        return File.Exists(System.IO.Path.Combine(full, ManifestFileName))
            ? new RunFolder(full)
            : throw new DirectoryNotFoundException($"{path} is not a run folder (it holds no {ManifestFileName})");
    }

    /// <summary>Every run folder under <paramref name="resultsRoot"/>, oldest first; none when there is no runs folder.</summary>
    public static IReadOnlyList<RunFolder> List(string resultsRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(resultsRoot);
        string runs = System.IO.Path.Combine(System.IO.Path.GetFullPath(resultsRoot), RunsDirectoryName);
        return Directory.Exists(runs)
            ? [.. Directory.EnumerateDirectories(runs).Order(StringComparer.Ordinal).Select(p => new RunFolder(p))]
            : [];
    }

    /// <summary>The run's manifest; null when the run wrote none (it was interrupted before finishing).</summary>
    public RunManifest? ReadManifest() => File.Exists(ManifestPath) ? RunManifest.Read(ManifestPath) : null;

    public void WriteManifest(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        manifest.Write(ManifestPath);
    }

    /// <summary>Copies <paramref name="file"/> into the run folder under its own name; returns the copy's path.</summary>
    public string AddFile(string file)
    {
        string destination = System.IO.Path.Combine(FullPath, System.IO.Path.GetFileName(file));
        File.Copy(file, destination, overwrite: true);
        return destination;
    }

    public override string ToString() => Id;

    /// <summary>The host name as a folder-safe label: lower case letters, digits and dashes.</summary>
    internal static string HostLabel(string host)
    {
        var label = new StringBuilder(host.Length);
        foreach (char c in host.ToLowerInvariant())
        {
            label.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        string trimmed = label.ToString().Trim('-');
        return trimmed.Length > 0 ? trimmed : "host";
    }
}
