using System.Diagnostics;

namespace ServingBench.Tests.Statistics;

/// <summary>
/// Every emulator's metrics page passes Prometheus's own checker, <c>promtool check metrics</c> (Debian's
/// <c>prometheus</c> package; .ci/run installs it). The checker also lints names, and the real servers' names draw
/// those lints (counters without <c>_total</c>, units other than seconds): a lint is accepted only when it names a
/// metric the real server publishes under that very name; anything else it reports, and any parse error, fails.
/// </summary>
public sealed class PromtoolTests
{
    /// <summary>The names the real servers publish, which promtool's naming lints flag as they are.</summary>
    private static readonly string[] OfficialNames =
    [
        "nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count", "nv_inference_exec_count",
        "nv_inference_request_duration_us", "nv_inference_queue_duration_us", "nv_inference_compute_input_duration_us",
        "nv_inference_compute_infer_duration_us", "nv_inference_compute_output_duration_us",
        "ts_inference_requests_total", "ts_inference_latency_microseconds", "ts_queue_latency_microseconds",
        ":tensorflow:serving:request_count", ":tensorflow:serving:request_latency", ":tensorflow:serving:runtime_latency",
    ];

    [Theory]
    [InlineData("triton-grpc-raw")]
    [InlineData("torchserve-rest-raw")]
    [InlineData("tfserving-rest-json-row")]
    public async Task The_Page_Passes_Promtool_Check_Metrics(string scenarioName)
    {
        string promtool = Promtool() ?? throw new InvalidOperationException(
            "promtool is not installed: apt-get install -y prometheus (.ci/run installs it), then run this test again");
        var scenario = ScenarioCatalog.Scenarios.Single(s => s.Name == scenarioName);
        await using var servers = await StatisticsServers.StartAsync(scenario);
        await servers.SendAsync(users: 2, requestsEach: 3);
        using var http = new HttpClient();
        string page = await http.GetStringAsync(servers.MetricsPage(scenario.Framework));

        var (exit, output) = await RunAsync(promtool, page);

        // 0: clean; 3: lint problems only (promtool's lint exit code). Anything else is a page promtool cannot read.
        Assert.True(exit is 0 or 3, $"promtool check metrics exited {exit}: {output}");
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(problems, problem => Assert.Contains(OfficialNames, name => problem.StartsWith(name + " ", StringComparison.Ordinal)));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string promtool, string page)
    {
        var info = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(page);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private static string? Promtool() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
}
