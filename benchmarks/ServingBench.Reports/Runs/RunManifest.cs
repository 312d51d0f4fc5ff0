using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServingBench.Reports.Runs;

/// <summary>What a run's figures depend on, written as <c>manifest.json</c> in its <see cref="RunFolder"/>: enough to
/// tell whether two runs may share a table and to trace a published figure back to a commit and a machine.</summary>
public sealed record RunManifest
{
    /// <summary>The run folder's id (<c>20261201T063400Z-myhost</c>).</summary>
    public required string Id { get; init; }

    /// <summary><c>benchmarks</c> for a BenchmarkDotNet run, <c>load</c> for a load run.</summary>
    public required string Kind { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>Why the status is not <see cref="RunStatus.Complete"/>; null when it is.</summary>
    public string? StatusReason { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    public DateTimeOffset? FinishedUtc { get; init; }

    public required GitState Git { get; init; }

    /// <summary>The arguments the app was started with, as given.</summary>
    public required IReadOnlyList<string> CommandLine { get; init; }

    /// <summary>
    /// The job the command line chose: <c>default</c> (the suite's own, with each class's attributes), or the preset
    /// <c>--job</c> named (<c>dry</c>, <c>short</c> …), with <c>+ inProcess</c> when the toolchain was in-process.
    /// </summary>
    public required string Job { get; init; }

    /// <summary>Each distinct job the run measured with, as BenchmarkDotNet prints it (<c>ServingBench(IterationCount=10, …)</c>).</summary>
    public IReadOnlyList<string> Jobs { get; init; } = [];

    /// <summary>The <c>--filter</c> globs; empty when the run chose none.</summary>
    public IReadOnlyList<string> Filter { get; init; } = [];

    public required MachineInfo Machine { get; init; }

    /// <summary>This host's measured peak fp32 FMA rate and read bandwidth; null when the run did not measure it.</summary>
    public HostCeilingFigures? HostCeiling { get; init; }

    /// <summary>The app's <c>SERVINGBENCH_*</c> variables in force (the app reads them): the real servers scenarios were pointed at, payload choices, paths.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The report files the run left in its folder, by name.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Same machine and same job: the condition for two runs' rows to share a table.</summary>
    public bool ComparableWith(RunManifest other, out string reason)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Machine.Fingerprint != other.Machine.Fingerprint)
        {
            reason = $"run {Id} was measured on {Machine.Fingerprint}, run {other.Id} on {other.Machine.Fingerprint}";
            return false;
        }

        if (Job != other.Job)
        {
            reason = $"run {Id} used job '{Job}', run {other.Id} job '{other.Job}'";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    public static RunManifest Read(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<RunManifest>(stream, JsonOptions)
            ?? throw new InvalidDataException($"{path} holds no manifest");
    }

    public void Write(string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, this, JsonOptions);
    }

    /// <summary>snake_case keys, as in the load helper's summary.json; statuses as lower-case words.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // Readable as written: job descriptions keep their '+' and '<' rather than \u escapes (the file is never HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter<RunStatus>(JsonNamingPolicy.SnakeCaseLower) },
    };
}

/// <summary>Whether a run's figures may be published.</summary>
public enum RunStatus
{
    /// <summary>Every case of the suite (or of the classes the filter named in full) measured without error.</summary>
    Complete,

    /// <summary>The filter left out cases of a class it selected: the run's tables have holes.</summary>
    Partial,

    /// <summary>At least one case failed or produced no measurement.</summary>
    Failed,

    /// <summary>A smoke run (<c>--job dry</c> or an in-process toolchain): the figures are not measurements to publish.</summary>
    Dry,
}

/// <summary>The commit a run was built from, and whether the working tree differed from it.</summary>
/// <param name="Commit">The full commit id; null outside a git clone.</param>
/// <param name="Dirty">True when tracked or untracked (not ignored) files differed from the commit.</param>
public sealed record GitState(string? Commit, bool Dirty)
{
    /// <summary>Reads HEAD and <c>git status</c> in <paramref name="repositoryRoot"/>; (null, false) without git or a clone.</summary>
    public static GitState Read(string repositoryRoot)
    {
        string? commit = RunGit(repositoryRoot, "rev-parse HEAD")?.Trim();
        if (string.IsNullOrEmpty(commit))
        {
            return new GitState(null, false);
        }

        string? status = RunGit(repositoryRoot, "status --porcelain");
        return new GitState(commit, !string.IsNullOrWhiteSpace(status));
    }

    private static string? RunGit(string directory, string arguments)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var git = System.Diagnostics.Process.Start(start);
            if (git is null)
            {
                return null;
            }

            var error = git.StandardError.ReadToEndAsync();
            string output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            _ = error.Result;
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed: the manifest says the commit is unknown
        }
    }
}

/// <summary>The host ceiling the app measured (ServingBench.Models' HostCeiling, copied so this library needs no models).</summary>
public sealed record HostCeilingFigures(double Gflops, double GigabytesPerSecond, int Threads, int VectorBits);
