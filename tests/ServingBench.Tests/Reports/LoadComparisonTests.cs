using HdrHistogram;
using ServingBench.Load;
using ServingBench.Reports.Comparison;
using ServingBench.Reports.Load;
using ServingBench.Reports.Runs;
using ServingBench.Verbs;

namespace ServingBench.Tests.Reports;

/// <summary>Load runs compared per step over their interval logs' windows (seeded latencies written as a load run writes them).</summary>
public sealed class LoadComparisonTests() : TemporaryFolderTest("servingbench-compare-load-")
{
    private const int Seed = 12345; // same seed, repeatable windows
    private static readonly StepLabels Labels = new("triton-grpc-raw", "resnet50-tensor", "canned", "emulator (child process)", "full");

    [Fact]
    public void A_Step_Whose_Windows_Got_Slower_Is_Called_Slower_And_An_Unchanged_One_Same()
    {
        var random = new Random(Seed);
        string baseline = Write("base", random, [(10, 1.0, 200), (25, 1.0, 400)]);
        string candidate = Write("new", random, [(10, 1.0, 200), (25, 1.4, 400)]);

        var comparison = LoadComparison.Compare(Steps(baseline), baseline, Steps(candidate), candidate, IntervalLog.StepWindows, ShiftTest.Default);

        var slower = comparison.Steps[0];
        Assert.Equal(("25 users", Verdict.Slower), (slower.Load, slower.Worst));
        Assert.Equal(Verdict.Slower, slower.Figures.Single(f => f.Figure == LoadComparison.P50).Verdict);
        Assert.Equal(Verdict.Slower, slower.Figures.Single(f => f.Figure == LoadComparison.P99).Verdict);
        Assert.Equal((6, 6), (slower.BaseWindows, slower.NewWindows));
        Assert.Equal(Verdict.Same, comparison.Steps[1].Worst);
        Assert.True(comparison.HasRegression);
    }

    [Fact]
    public void A_Falling_Request_Rate_Is_Slower()
    {
        var random = new Random(Seed);
        string baseline = Write("base", random, [(10, 1.0, 400)]);
        string candidate = Write("new", random, [(10, 1.0, 300)]);

        var step = Assert.Single(LoadComparison.Compare(Steps(baseline), baseline, Steps(candidate), candidate, IntervalLog.StepWindows, ShiftTest.Default).Steps);

        Assert.Equal(Verdict.Slower, step.Figures.Single(f => f.Figure == LoadComparison.RequestsPerSecond).Verdict);
        Assert.InRange(step.Figures.Single(f => f.Figure == LoadComparison.RequestsPerSecond).Ratio!.Value, 0.72, 0.78);
    }

    [Fact]
    public void Steps_In_One_Run_Only_Are_Listed_And_Steps_Without_Logs_Are_Unresolved()
    {
        var random = new Random(Seed);
        string baseline = Write("base", random, [(10, 1.0, 200), (50, 1.0, 200)]);
        string candidate = Write("new", random, [(10, 1.0, 200), (25, 1.0, 200)]);
        File.Delete(Directory.EnumerateFiles(candidate, "*users10.hlog").Single());

        var comparison = LoadComparison.Compare(Steps(baseline), baseline, Steps(candidate), candidate, IntervalLog.StepWindows, ShiftTest.Default);

        Assert.Equal(Verdict.Unresolved, Assert.Single(comparison.Steps).Worst);
        Assert.Contains("50 users", Assert.Single(comparison.OnlyInBase), StringComparison.Ordinal);
        Assert.Contains("25 users", Assert.Single(comparison.OnlyInNew), StringComparison.Ordinal);
    }

    [Fact]
    public void The_Verb_Compares_Two_Load_Runs_By_Default_And_Exits_3_When_A_Step_Got_Slower()
    {
        var random = new Random(Seed);
        string root = Path.Combine(Folder, "results");
        WriteRun(root, "20261207T000000Z-vm", random, [(10, 1.0, 200)]);
        WriteRun(root, "20261207T000100Z-vm", random, [(10, 1.4, 200)]);
        var output = new StringWriter();

        int exit = CompareVerb.Run(null, null, "3%", false, Path.Combine(Folder, "page"), root, output, TextWriter.Null);

        Assert.Equal(CompareVerb.Regression, exit);
        Assert.Contains("| **slower** | triton-grpc-raw/resnet50-tensor/canned | full | 10 users | 6 / 6 |", output.ToString(), StringComparison.Ordinal);
        Assert.True(ChartFileTests.DarkPixels(Path.Combine(Folder, "page", "compare-load.png")) > 2000);
    }

    private static IReadOnlyList<LoadStepSummary> Steps(string folder) => LoadSummary.Read(Path.Combine(folder, LoadOutputs.SummaryJson)).Steps;

    /// <summary>A load/ folder with one step per (users, latency scale, answers per 1 s window), six windows each.</summary>
    private string Write(string name, Random random, (int Users, double Scale, int PerWindow)[] steps) =>
        WriteSteps(Path.Combine(Folder, name), random, steps);

    /// <summary>A load run folder: the steps in its load/ folder and the manifest of a committed sample load run.</summary>
    private static void WriteRun(string root, string id, Random random, (int Users, double Scale, int PerWindow)[] steps)
    {
        string folder = Path.Combine(root, RunFolder.RunsDirectoryName, id);
        WriteSteps(Path.Combine(folder, RunFolder.LoadDirectoryName), random, steps);
        string sample = Path.Combine(TestRuns.Samples, RunFolder.RunsDirectoryName, "20261123T160000Z-vm", RunFolder.ManifestFileName);
        (RunManifest.Read(sample) with { Id = id }).Write(Path.Combine(folder, RunFolder.ManifestFileName));
    }

    private static string WriteSteps(string folder, Random random, (int Users, double Scale, int PerWindow)[] steps)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var measured = new List<MeasuredStep>();
        foreach (var (users, scale, perWindow) in steps)
        {
            var windows = new List<(HistogramBase, HistogramBase)>();
            for (int w = 0; w < 6; w++)
            {
                var latency = StepRecorder.CreateHistogram();
                var service = StepRecorder.CreateHistogram();
                // Each window's own level wanders ±3 %, as windows of a real step do; its answers spread ±20 % around it.
                double level = 2000 * scale * (1 + 0.03 * SeededSamples.Normal(random));
                foreach (double value in SeededSamples.Times(random, perWindow + random.Next(-5, 6), 0.2, level))
                {
                    latency.RecordValue((long)value);
                    service.RecordValue((long)value);
                }

                latency.Tag = StepRecorder.LatencyTag;
                service.Tag = StepRecorder.ServiceTag;
                latency.StartTimeStamp = service.StartTimeStamp = start.AddSeconds(w).ToUnixTimeMilliseconds();
                latency.EndTimeStamp = service.EndTimeStamp = start.AddSeconds(w + 1).ToUnixTimeMilliseconds();
                windows.Add((latency, service));
            }

            var summary = Labels.Summarise(StepResult.Sum(windows.Select(x => x.Item1)), 6, new Dictionary<string, long>(), 0, 0, true) with { Users = users };
            measured.Add(new MeasuredStep(summary, windows, start));
        }

        LoadOutputs.WriteAll(folder, measured);
        return folder;
    }
}
