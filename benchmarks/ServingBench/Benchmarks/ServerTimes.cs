using System.Text.Json;
using ServingBench.ServerStatistics;

namespace ServingBench.Benchmarks;

/// <summary>
/// What one RoundTrip case's benchmark process read from the server's own statistics: the source (or why nothing
/// could be read), the server's split per call over every call BenchmarkDotNet made, and the paired check's figures.
/// </summary>
/// <remarks>
/// How it reaches the host: the benchmark process writes it as a file beside its own binaries at cleanup; when that
/// process ends, the host's <see cref="Config.ServerTimesCollector"/> moves it into the run's artifacts folder, where the
/// columns read it. Nothing travels on the console, and nothing is kept in a static: under the in-process toolchain the
/// binaries are the host's own and the same file carries it (docs/end-to-end.md).
/// </remarks>
/// <param name="Statistics">What was read ("triton statistics …"), or one line on why nothing could be.</param>
/// <param name="PerCall">The server's split per call between the end of setup and cleanup; null when unread.</param>
/// <param name="Paired">Each iteration's round trip against the engine time the server published for it; null without statistics or iterations.</param>
public sealed record ServerTimes(string Statistics, ServerSplit? PerCall, PairedTimes? Paired)
{
    public const string Folder = "servingbench-statistics";

    // An error over two samples can be infinite (Student's t with one degree of freedom): written as "Infinity", not refused.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The file of <paramref name="caseName"/> under <paramref name="binariesDirectory"/>.</summary>
    public static string PathOf(string binariesDirectory, string caseName)
    {
        ArgumentNullException.ThrowIfNull(caseName);
        return Path.Combine(binariesDirectory, Folder, caseName.Replace('/', '_') + ".json");
    }

    /// <summary>The benchmark process's own binaries folder: where BenchmarkDotNet built it, which the host's report names.</summary>
    public static string OwnBinariesDirectory => Path.GetDirectoryName(typeof(ServerTimes).Assembly.Location)!;

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    /// <summary>The figures at <paramref name="path"/>; null when the process wrote none (it did not run Infer, or failed first).</summary>
    public static ServerTimes? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ServerTimes>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What the benchmark process of <paramref name="benchmarkCase"/> left in the run's artifacts folder (ServerTimesCollector moved it there).</summary>
    public static ServerTimes? Of(BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, string caseName)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        return Read(PathOf(benchmarkCase.Config.ArtifactsPath, caseName));
    }

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale file that cannot go is overwritten at cleanup; nothing reads it before that.
        }
    }
}
