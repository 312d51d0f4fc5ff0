using HdrHistogram;
using ServingBench.Load;
using ServingBench.Reports.Charts;
using ServingBench.Reports.Load;
using ServingBench.Tests.Reports;

namespace ServingBench.Tests.Load;

/// <summary>Interval logs round-trip and merge exactly; summary.json keeps its contract; charts carry rendered text.</summary>
public sealed class LoadOutputsTests() : TemporaryFolderTest("servingbench-load-out-")
{
    [Fact]
    public void Two_Worker_Logs_Merged_Equal_One_Histogram_Of_All_Values()
    {
        var random = new Random(12345);
        long[] first = [.. Enumerable.Range(0, 5000).Select(_ => (long)random.Next(100, 5_000))];
        long[] second = [.. Enumerable.Range(0, 7000).Select(_ => (long)random.Next(1_000, 900_000))];
        WriteWorker("w0", new WorkerShare(0, 2), first);
        WriteWorker("w1", new WorkerShare(1, 2), second);

        var merged = LoadMerge.Merge([Path.Combine(Folder, "w0"), Path.Combine(Folder, "w1")]).Single();
        var mergedLatency = StepResult.Sum(merged.Windows.Select(w => w.Latency));
        var all = StepRecorder.CreateHistogram();
        foreach (long value in first.Concat(second))
        {
            all.RecordValue(value);
        }

        Assert.Equal(all.TotalCount, mergedLatency.TotalCount);
        foreach (double p in new[] { 0, 10, 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(all.GetValueAtPercentile(p), mergedLatency.GetValueAtPercentile(p));
        }

        Assert.Equal(all.GetValueAtPercentile(99), merged.Summary.P99Us);
        Assert.Equal(10, merged.Summary.Users);
        Assert.Equal(12_000, merged.Summary.Requests);
        Assert.Equal(3, merged.Summary.Failures["503"]);
    }

    [Fact]
    public void Workers_Of_Different_Load_Clients_Are_Not_Merged()
    {
        WriteWorker("w0", new WorkerShare(0, 2), [100, 200, 300]);
        WriteWorker("w1", new WorkerShare(1, 2), [100, 200, 300], client: "lean");

        var ex = Assert.Throws<InvalidDataException>(() => LoadMerge.Merge([Path.Combine(Folder, "w0"), Path.Combine(Folder, "w1")]));
        Assert.Contains("different load clients", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lean", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_Json_Uses_The_Contract_Keys()
    {
        var step = Labels.Summarise(StepRecorder.CreateHistogram(), 1, new Dictionary<string, long>(), 0, 0, true);
        string json = new LoadSummary { Steps = [step] }.ToJson();
        foreach (string key in new[] { "scenario", "payload", "backend", "target", "client", "mode", "users", "rate", "arrival", "duration_s", "requests", "rps",
            "mean_us", "p50_us", "p90_us", "p95_us", "p99_us", "p999_us", "max_us", "failures", "timeouts", "late_sends", "stable", "worker" })
        {
            Assert.Contains($"\"{key}\":", json, StringComparison.Ordinal);
        }

        Assert.Equal(step, LoadSummary.FromJson(json).Steps.Single() with { Failures = step.Failures });
    }

    [Fact]
    public void Load_Charts_Are_Png_And_Svg_With_Rendered_Text()
    {
        var steps = new[] { 1, 10, 50 }.SelectMany(users => new[] { "triton-grpc-raw", "tfserving-rest-json-row" }.Select(scenario =>
            Labels.Summarise(StepRecorder.CreateHistogram(), 1, new Dictionary<string, long>(), 0, 0, true) with
            {
                Scenario = scenario,
                Users = users,
                Rps = users * 10.0,
                P50Us = users * 100,
                P99Us = users * 400,
            })).ToArray();
        var curve = new LoadCharts.PercentileCurve("triton-grpc-raw/bart-text/canned 50 users", [(0, 100), (50, 500), (99, 4000), (99.9, 9000)]);
        var saved = LoadCharts.SaveAll(steps, [curve], Folder);

        Assert.Equal(["rps", "latency", "percentiles", "scenarios"], saved.Select(Path.GetFileName));
        string[] titles = ["Throughput", "Latency (p50", "Latency by percentile", "Scenarios: best throughput"];
        foreach (var (chart, title) in saved.Zip(titles))
        {
            Assert.Contains(title, File.ReadAllText(chart + ".svg"), StringComparison.Ordinal);
            Assert.True(ChartFileTests.DarkPixels(chart + ".png") > 2000, chart);
        }
    }

    private static readonly StepLabels Labels = new("triton-grpc-raw", "bart-text", "canned", "emulator (in process)", "full");

    private void WriteWorker(string name, WorkerShare worker, long[] values, string client = "full")
    {
        // Two windows per worker, as a run writes them.
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var windows = new List<(HistogramBase, HistogramBase)>();
        foreach (var half in values.Chunk(values.Length / 2 + 1))
        {
            var latency = StepRecorder.CreateHistogram();
            var service = StepRecorder.CreateHistogram();
            foreach (long value in half)
            {
                latency.RecordValue(value);
                service.RecordValue(Math.Max(1, value / 2));
            }

            latency.Tag = StepRecorder.LatencyTag;
            service.Tag = StepRecorder.ServiceTag;
            latency.StartTimeStamp = service.StartTimeStamp = start.AddSeconds(windows.Count).ToUnixTimeMilliseconds();
            latency.EndTimeStamp = service.EndTimeStamp = start.AddSeconds(windows.Count + 1).ToUnixTimeMilliseconds();
            windows.Add((latency, service));
        }

        var summary = (Labels with { Client = client }).Summarise(StepResult.Sum(windows.Select(w => w.Item1)), 2, new Dictionary<string, long> { ["503"] = worker.Index + 1 }, 0, 0, true) with
        {
            Users = worker.Users(10),
            Worker = worker.ToString(),
        };
        LoadOutputs.WriteAll(Path.Combine(Folder, name), [new MeasuredStep(summary, windows, start)]);
    }
}
