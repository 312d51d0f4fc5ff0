using System.Text.Json.Nodes;
using ServingBench.Reports.Comparison;
using ServingBench.Reports.Composition;
using ServingBench.Reports.Runs;
using ServingBench.Verbs;

namespace ServingBench.Tests.Reports;

/// <summary>
/// <c>report compare</c> on real runs (CompareRuns/README.md says where each comes from): two back-to-back runs of one
/// commit measured on the shared development VM while it was heavily loaded, and the ResNet50 tensor's Serialization
/// rows of the published quiet run, into copies of which changes are injected (in a temporary results folder, never in
/// the committed runs). SampleRuns/runs supplies a run of another machine and a dry run.
/// </summary>
public sealed class BenchmarkComparisonTests() : TemporaryFolderTest("servingbench-compare-")
{
    private const string First = "20261207T011437Z-vm";
    private const string Second = "20261207T012043Z-vm";
    private const string Quiet = "20261201T144049Z-vm";
    private const string Slowed = "EncodeRequest resnet50-tensor/triton-rest-json";
    private const int Seed = 12345; // same seed, repeatable offsets

    private static readonly string CompareRuns = TestRuns.Compare;

    private static readonly string SampleRuns = TestRuns.Samples;

    [Fact]
    public void Two_Back_To_Back_Runs_Of_One_Commit_Call_No_Row_Slower_And_Say_What_They_Could_Detect()
    {
        var output = new StringWriter();
        int exit = CompareVerb.Run(First, Second, "3%", false, Path.Combine(Folder, "out"), CompareRuns, output, TextWriter.Null);

        Assert.Equal(CompareVerb.NoRegression, exit);
        var comparison = Compare(Load(CompareRuns, First), Load(CompareRuns, Second));
        Assert.DoesNotContain(comparison.Rows, r => r.Verdict == Verdict.Slower);
        var serialization = Assert.Single(comparison.Classes);
        Assert.Equal(56, serialization.Rows);
        Assert.NotNull(serialization.Drift);
        Assert.True(serialization.SmallestDetectable >= serialization.Threshold, serialization.ToString());
        Assert.Contains("smallest change detectable", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_15_Percent_Slowdown_Of_One_Row_Is_Called_In_That_Row_And_No_Other()
    {
        // Synthetic from a real quiet run: the same measurements again, one row's scaled by 1.15.
        string root = CopyRun(Quiet, "base");
        CopyRun(Quiet, "new", row => row == Slowed ? 1.15 : 1);

        var comparison = Compare(Load(root, "base"), Load(root, "new"));

        var slower = Assert.Single(comparison.Rows, r => r.Verdict != Verdict.Same);
        Assert.Equal((Slowed, Verdict.Slower), (slower.Case, slower.Verdict));
        Assert.Equal(1.15, slower.Ratio!.Value, 3);
        Assert.Equal(CompareVerb.Regression, CompareVerb.Run("base", "new", "3%", false, Path.Combine(Folder, "out"), root, TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void With_A_Quiet_Machines_Drift_A_15_Percent_Slowdown_Is_Still_Found_In_That_Row_Alone()
    {
        // Every row of the copy also moves by its own process offset, ±2 % (log-normal, seeded): about what a quiet
        // machine leaves between two processes. The drift floor rises to about 6 %; the slowed row clears it.
        var random = new Random(Seed);
        string root = CopyRun(Quiet, "base");
        CopyRun(Quiet, "new", row => Math.Exp(0.02 * SeededSamples.Normal(random)) * (row == Slowed ? 1.15 : 1));

        var comparison = Compare(Load(root, "base"), Load(root, "new"));

        Assert.Equal([Slowed], comparison.Rows.Where(r => r.Verdict == Verdict.Slower).Select(r => r.Case));
        var serialization = Assert.Single(comparison.Classes);
        Assert.InRange(serialization.Threshold, 0.03, 0.10);
        Assert.True(serialization.SmallestDetectable < 0.15, serialization.ToString());
    }

    [Fact]
    public void A_Run_On_Another_Machine_Is_Refused_In_One_Line_Unless_Allowed_And_Then_The_Page_Says_So()
    {
        const string Vm = "20261123T145532Z-vm", Zen5 = "20261124T090000Z-zen5";
        var error = new StringWriter();

        Assert.Equal(CompareVerb.CannotCompare, CompareVerb.Run(Vm, Zen5, "3%", false, Path.Combine(Folder, "refused"), SampleRuns, TextWriter.Null, error));
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"report compare: refusing to compare: run {Vm} was measured on AMD EPYC", line, StringComparison.Ordinal);
        Assert.Contains("--allow-different-machines", line, StringComparison.Ordinal);

        string allowed = Path.Combine(Folder, "allowed");
        Assert.Equal(CompareVerb.NoRegression, CompareVerb.Run(Vm, Zen5, "3%", true, allowed, SampleRuns, TextWriter.Null, TextWriter.Null));
        string page = File.ReadAllText(Path.Combine(allowed, RunComparer.PageFileName));
        Assert.Contains("**Runs on different machines or jobs**", page, StringComparison.Ordinal);
        // Those reports carry no individual measurements: every shared row is unresolved, none is called.
        Assert.Contains("| unresolved | SerializationBenchmarks |", page, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Dry_Run_Or_A_Malformed_Threshold_Is_Refused_In_One_Line()
    {
        var error = new StringWriter();

        Assert.Equal(CompareVerb.CannotCompare, CompareVerb.Run("20261123T145532Z-vm", "20261125T000000Z-vm", "3%", true, Folder, SampleRuns, TextWriter.Null, error));
        Assert.Equal(CompareVerb.BadInput, CompareVerb.Run(First, Second, "3", false, Folder, CompareRuns, TextWriter.Null, error));
        Assert.Equal(CompareVerb.CannotCompare, CompareVerb.Run(First, "no-such-run", "3%", false, Folder, CompareRuns, TextWriter.Null, error));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("report compare: run 20261125T000000Z-vm is a dry run", lines[0], StringComparison.Ordinal);
        Assert.Equal("report compare: --threshold '3' is not a percentage from 0% to 100% such as 3% or 2.5%", lines[1]);
        Assert.StartsWith("report compare: no run 'no-such-run' in ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_Measured_In_One_Run_Only_Are_Listed_As_Such()
    {
        string root = CopyRun(First, "base");
        CopyRun(Second, "new", dropRow: "DecodeResponse resnet50-tensor/memcpy");

        var comparison = Compare(Load(root, "base"), Load(root, "new"));

        Assert.Equal(["SerializationBenchmarks DecodeResponse resnet50-tensor/memcpy"], comparison.OnlyInBase);
        Assert.Empty(comparison.OnlyInNew);
        Assert.Equal(55, comparison.Rows.Count);
    }

    [Fact]
    public void By_Default_The_Newest_Run_Is_Compared_With_The_Newest_Published_Run_Of_Its_Kind_And_Machine()
    {
        string root = CopyRun(First, "20261207T000000Z-vm");
        CopyRun(First, "20261207T000100Z-vm");
        CopyRun(Second, "20261207T000200Z-vm");
        File.WriteAllText(Path.Combine(root, "README.md"), "| `20261207T000000Z-vm` | benchmarks | complete |\n");
        var notes = new StringWriter();

        var runs = CompareSelection.Choose(root, null, null, allowDifferentMachines: false, notes);

        Assert.Equal(("20261207T000000Z-vm", "20261207T000200Z-vm"), (runs.Base.Folder.Id, runs.New.Folder.Id));
        Assert.Contains("against the newest published benchmarks run of this machine, 20261207T000000Z-vm", notes.ToString(), StringComparison.Ordinal);

        File.Delete(Path.Combine(root, "README.md"));
        Assert.Equal("20261207T000100Z-vm", CompareSelection.Choose(root, null, null, allowDifferentMachines: false, TextWriter.Null).Base.Folder.Id);
    }

    [Fact]
    public void The_Verb_Writes_The_Page_And_A_Ratio_Chart_And_Takes_Run_Folders_By_Path()
    {
        string output = Path.Combine(Folder, "page");
        int exit = AppVerbs.Run(["report", "compare", Path.Combine(CompareRuns, "runs", First), Path.Combine(CompareRuns, "runs", Second), "--output", output]);

        Assert.Equal(CompareVerb.NoRegression, exit);
        string page = File.ReadAllText(Path.Combine(output, RunComparer.PageFileName));
        Assert.Contains($"# Compare `{First}` → `{Second}`", page, StringComparison.Ordinal);
        Assert.Contains("| same | SerializationBenchmarks | EncodeRequest resnet50-tensor/memcpy |", page, StringComparison.Ordinal);
        Assert.True(ChartFileTests.DarkPixels(Path.Combine(output, "compare-SerializationBenchmarks.png")) > 2000);
    }

    private static BenchmarkComparison Compare(RunResults baseline, RunResults candidate) =>
        BenchmarkComparison.Compare(baseline.Rows, candidate.Rows, ShiftTest.Default);

    private static RunResults Load(string root, string id) => RunResults.Load(RunFolder.Open(root, id));

    /// <summary>
    /// Copies a committed run into this test's results folder under <paramref name="id"/>, each row's measurements and
    /// statistics multiplied by <paramref name="factor"/>(the row's case) and <paramref name="dropRow"/> left out.
    /// </summary>
    private string CopyRun(string run, string id, Func<string, double>? factor = null, string? dropRow = null)
    {
        string root = Path.Combine(Folder, "results");
        string source = Path.Combine(CompareRuns, "runs", run);
        string target = Path.Combine(root, "runs", id);
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            string destination = Path.Combine(target, Path.GetFileName(file));
            if (file.EndsWith("-report-full.json", StringComparison.Ordinal))
            {
                File.WriteAllText(destination, Rewrite(File.ReadAllText(file), factor, dropRow));
            }
            else if (Path.GetFileName(file) == RunFolder.ManifestFileName)
            {
                var manifest = RunManifest.Read(file) with { Id = id };
                manifest.Write(destination);
            }
            else
            {
                File.Copy(file, destination);
            }
        }

        return root;
    }

    private static string Rewrite(string json, Func<string, double>? factor, string? dropRow)
    {
        var document = JsonNode.Parse(json)!;
        var benchmarks = document["Benchmarks"]!.AsArray();
        foreach (var benchmark in benchmarks.ToArray())
        {
            string row = $"{benchmark!["Method"]} {benchmark["Parameters"]!.GetValue<string>().Split('=')[1]}";
            if (row == dropRow)
            {
                benchmarks.Remove(benchmark);
                continue;
            }

            double scale = factor?.Invoke(row) ?? 1;
            foreach (var measurement in benchmark["Measurements"]!.AsArray())
            {
                measurement!["Nanoseconds"] = measurement["Nanoseconds"]!.GetValue<double>() * scale;
            }

            var statistics = benchmark["Statistics"]!;
            foreach (string figure in new[] { "Mean", "Median", "Min", "Max", "StandardDeviation" })
            {
                statistics[figure] = statistics[figure]!.GetValue<double>() * scale;
            }

            statistics["ConfidenceInterval"]!["Margin"] = statistics["ConfidenceInterval"]!["Margin"]!.GetValue<double>() * scale;
        }

        return document.ToJsonString();
    }
}
