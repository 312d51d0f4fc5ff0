using ServingBench.Reports.Charts;
using ServingBench.Reports.Load;
using ServingBench.Tests.Reports;

namespace ServingBench.Tests.Load;

/// <summary><c>load --slo</c>: objectives parsed from text, judged per step, the highest step that meets them, the contract and the chart.</summary>
public sealed class ServiceObjectiveTests() : TemporaryFolderTest("servingbench-slo-")
{
    [Theory]
    [InlineData("p99<250ms", "p99", "<", 250, "ms")]
    [InlineData("p50 <= 100 ms", "p50", "<=", 100, "ms")]
    [InlineData("p99.9<2s", "p999", "<", 2, "s")]
    [InlineData("mean<800us", "mean", "<", 800, "us")]
    [InlineData("failures<1%", "failures", "<", 1, "%")]
    [InlineData("rps>=100", "rps", ">=", 100, "/s")]
    [InlineData("RPS>12.5/s", "rps", ">", 12.5, "/s")]
    public void Objectives_Parse_As_Written(string text, string metric, string op, double limit, string unit)
    {
        var objective = ServiceObjective.Parse(text);

        Assert.Equal((metric, op, limit, unit), (objective.Metric, objective.Operator, objective.Limit, objective.Unit));
        Assert.Equal(text, objective.Text);
    }

    [Theory]
    [InlineData("p99<250", "a latency needs a unit")]
    [InlineData("failures<1", "failures are a share of the attempts, in %")]
    [InlineData("rps>=100ms", "rps is answers per second")]
    [InlineData("p42<1s", "unknown metric 'p42'")]
    [InlineData("p99=250ms", "is not an objective such as p99<250ms")]
    [InlineData("latency is low", "is not an objective such as p99<250ms")]
    public void A_Malformed_Objective_Is_One_Line_Saying_What_Was_Expected(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ServiceObjective.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void The_Highest_Step_That_Meets_Every_Objective_Is_Named_Per_Series()
    {
        var steps = new[] { Step("a", 1, p99Ms: 120), Step("a", 10, p99Ms: 240), Step("a", 25, p99Ms: 260), Step("b", 1, p99Ms: 300) };
        var objectives = ServiceObjective.ParseList("p99<250ms");

        var (judged, summary) = ObjectiveEvaluation.Apply(steps, objectives);

        Assert.Equal([true, true, false, false], judged.Select(s => s.MeetsObjectives!.Value));
        Assert.Equal([240.0, 260.0], judged.Where(s => s.Series.StartsWith("a/", StringComparison.Ordinal)).Skip(1).Select(s => s.Objectives![0].Measured!.Value));
        Assert.Equal([10.0, null], summary.Series.Select(s => s.HighestLoadMet));
        Assert.False(summary.Met);
        string lines = ObjectiveEvaluation.Describe(summary, objectives);
        Assert.Contains("a/resnet50-tensor/canned: the most users at which p99 < 250 ms: 10 users", lines, StringComparison.Ordinal);
        Assert.Contains("b/resnet50-tensor/canned: no step meets p99 < 250 ms", lines, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_Are_Refusals_And_Timeouts_Among_All_Attempts()
    {
        var step = Step("a", 10, p99Ms: 10) with { Requests = 970, Failures = new Dictionary<string, long> { ["503"] = 20 }, Timeouts = 10 };

        Assert.Equal(3.0, ServiceObjective.Parse("failures<1%").Measure(step), 6);
        Assert.False(ServiceObjective.Parse("failures<1%").IsMetBy(3.0));
        Assert.True(ServiceObjective.Parse("failures<5%").IsMetBy(3.0));
    }

    [Fact]
    public void A_Step_Without_Answers_Meets_No_Latency_Objective()
    {
        var silent = Step("a", 10, p99Ms: 0) with { Requests = 0, Failures = new Dictionary<string, long> { ["503"] = 50 } };

        var verdict = ObjectiveEvaluation.Apply([silent], ServiceObjective.ParseList("p99<250ms")).Steps[0].Objectives![0];

        Assert.False(verdict.Met);
        Assert.Null(verdict.Measured);
    }

    [Fact]
    public void Summary_Json_Carries_The_Verdicts_And_Reads_Back_While_Older_Summaries_Still_Read()
    {
        var (judged, slo) = ObjectiveEvaluation.Apply([Step("a", 10, p99Ms: 100)], ServiceObjective.ParseList("p99<250ms,rps>=100"));
        string json = new LoadSummary { Steps = judged, Slo = slo }.ToJson();

        Assert.Contains("\"objectives\"", json, StringComparison.Ordinal);
        Assert.Contains("\"highest_load_met\": 10", json, StringComparison.Ordinal);
        var read = LoadSummary.FromJson(json);
        Assert.Equal(["p99<250ms", "rps>=100"], read.Slo!.Objectives);
        Assert.Equal([true, true], read.Steps[0].Objectives!.Select(o => o.Met));

        // A run without --slo writes neither key, so its summary.json is what it always was.
        string plain = new LoadSummary { Steps = [Step("a", 10, p99Ms: 100)] }.ToJson();
        Assert.DoesNotContain("objectives", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("\"slo\"", plain, StringComparison.Ordinal);

        // A committed summary written before objectives existed still reads.
        string committed = Path.Combine(TestRuns.Samples, "runs", "20261123T160000Z-vm", "load", "summary.json");
        var old = LoadSummary.Read(committed);
        Assert.NotEmpty(old.Steps);
        Assert.Null(old.Slo);
        Assert.All(old.Steps, s => Assert.Null(s.Objectives));
    }

    [Fact]
    public void The_Latency_And_Throughput_Charts_Draw_Each_Objective_As_A_Line()
    {
        var steps = new[] { Step("a", 1, p99Ms: 120), Step("a", 10, p99Ms: 240) };
        var objectives = ServiceObjective.ParseList("p99<250ms,rps>=100,failures<1%");

        LoadCharts.SaveAll(steps, [], Folder, objectives);

        string latency = File.ReadAllText(Path.Combine(Folder, "latency.svg"));
        string rps = File.ReadAllText(Path.Combine(Folder, "rps.svg"));
        Assert.Contains("objective: p99 &lt; 250 ms", latency, StringComparison.Ordinal);
        Assert.DoesNotContain("objective: rps", latency, StringComparison.Ordinal);
        Assert.Contains("objective: rps &gt;= 100/s", rps, StringComparison.Ordinal);
        Assert.DoesNotContain("failures", latency + rps, StringComparison.Ordinal);
    }

    private static LoadStepSummary Step(string scenario, int users, double p99Ms) => new()
    {
        Scenario = scenario,
        Payload = "resnet50-tensor",
        Backend = "canned",
        Target = "emulator (child process)",
        Client = "full",
        Mode = LoadStepSummary.Closed,
        Users = users,
        DurationSeconds = 10,
        Requests = 1000,
        Rps = 100,
        MeanUs = p99Ms * 500,
        P50Us = (long)(p99Ms * 500),
        P90Us = (long)(p99Ms * 800),
        P95Us = (long)(p99Ms * 900),
        P99Us = (long)(p99Ms * 1000),
        P999Us = (long)(p99Ms * 1100),
        MaxUs = (long)(p99Ms * 1200),
        Stable = true,
    };
}
