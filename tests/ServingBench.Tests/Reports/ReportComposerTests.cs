using ServingBench.Reports.Composition;
using ServingBench.Verbs;

namespace ServingBench.Tests.Reports;

/// <summary>
/// <c>report</c> over the checked-in sample runs (SampleRuns/runs: a benchmark run and a load run from one machine,
/// a run from a Zen 5 host, a dry run): the expected tables, the refusal to mix machines, and charts with text.
/// </summary>
public sealed class ReportComposerTests() : TemporaryFolderTest("servingbench-report-")
{
    private const string Benchmarks = "20261123T145532Z-vm";
    private const string Load = "20261123T160000Z-vm";
    private const string OtherMachine = "20261124T090000Z-zen5";
    private const string Dry = "20261125T000000Z-vm";

    private static readonly string Samples = TestRuns.Samples;

    [Fact]
    public void Compose_Gives_Serialization_RoundTrip_InProcess_And_Load_Tables()
    {
        var page = ReportComposer.Compose(RunSelection.Choose(Samples, $"{Benchmarks},{Load}", includePartial: false, TextWriter.Null), Folder);
        string markdown = page.Markdown;

        // Serialization, per payload: wire bytes, then client encode, client decode, server decode, server encode.
        Assert.Contains("### resnet50-tensor", markdown, StringComparison.Ordinal);
        Assert.Contains("| triton-grpc-raw | 602,166 | 4,034 | 14.0 µs | 270 ns | 364 ns | 157 ns | 128 B / 776 B / 1016 B / 96 B |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| tfserving-rest-json-row | 1,674,993 | 12,757 | 4.23 ms | 24.3 µs | 2.77 ms | 47.9 µs |", markdown, StringComparison.Ordinal);
        Assert.Contains("| naive-json | 1,674,952 | 10,606 | 13.0 ms |", markdown, StringComparison.Ordinal);
        Assert.Contains("EncodeRequest ±20 %", markdown, StringComparison.Ordinal); // noisy rows are named

        // Round trips per framework, REST vs gRPC; the onnx row sits next to its in-process floor.
        Assert.Contains("| triton-rest-json | canned | resnet50-tensor | 12.1 ms | 1.39 ms | 8.69× | — | — | — | — | — |", markdown, StringComparison.Ordinal);
        Assert.Contains("| triton-grpc-raw | onnx | resnet50-tensor | 50.0 ms | — | — | 44.4 ms | 11 % | 5.83 ± 5.45 unresolved | 49.002 ± 0.400 ms | 1.03 ± 0.09 holds |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| torchsharp-cpu-resnet50 | 87.3 ms | 107 % | 2.46 | 1.97 | 46.2 KB | ±107 % |", markdown, StringComparison.Ordinal);

        // Load steps, failures and unstable steps marked.
        Assert.Contains($"| `{Load}` | triton-rest-json | resnet50-tensor | canned | closed | 4 | — | 263.2 | 28.8 ms | 48.0 ms | 1 | **no** |", markdown, StringComparison.Ordinal);

        // The headline names its source run, commit and machine.
        Assert.Contains("| memcpy of the resnet50-tensor (602,112 bytes) | 14.2 µs |", page.Headline, StringComparison.Ordinal);
        Assert.Contains("| in process, torchsharp-cpu-resnet50 | 87.3 ms (2.46× this host's floor, 1.97× ONNX Runtime) |", page.Headline, StringComparison.Ordinal);
        Assert.Contains($"From `{Benchmarks}` (commit 63cedb0d1e2f, AMD EPYC family 25", page.Headline, StringComparison.Ordinal);

        foreach (string chart in new[] { "serialization-resnet50-tensor", "wire-bytes-request", "round-trip-canned-resnet50-tensor", "load-rps", "load-p99" })
        {
            Assert.Contains($"(charts/{chart}.png)", markdown, StringComparison.Ordinal);
            Assert.True(ChartFileTests.DarkPixels(Path.Combine(Folder, "charts", chart + ".png")) > 2000, chart);
        }

        Assert.Contains("client encode", File.ReadAllText(Path.Combine(Folder, "charts", "serialization-resnet50-tensor.svg")), StringComparison.Ordinal);
        Assert.Contains("triton-grpc-raw", File.ReadAllText(Path.Combine(Folder, "charts", "load-p99.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Refuses_Rows_From_Two_Machines_In_One_Table()
    {
        var runs = RunSelection.Choose(Samples, $"{Benchmarks},{OtherMachine}", includePartial: false, TextWriter.Null);
        var refused = Assert.Throws<ReportRefusedException>(() => ReportComposer.Compose(runs, Folder));
        Assert.Contains("serialization", refused.Message, StringComparison.Ordinal);
        Assert.Contains("family 25", refused.Message, StringComparison.Ordinal);
        Assert.Contains("family 26", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latest_Takes_The_Newest_Complete_Run_Of_Each_Kind_And_Names_What_It_Leaves_Out()
    {
        var notes = new StringWriter();
        var runs = RunSelection.Choose(Samples, RunSelection.Latest, includePartial: false, notes);
        Assert.Equal([Load, OtherMachine], runs.Select(r => r.Folder.Id));
        Assert.Contains($"left out {Dry}: dry", notes.ToString(), StringComparison.Ordinal);

        var withDry = RunSelection.Choose(Samples, Dry, includePartial: true, TextWriter.Null);
        Assert.Contains("**dry**", ReportComposer.Compose(withDry, Folder).Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_Rewrites_Only_The_Generated_Section_And_Bad_Input_Is_One_Line()
    {
        string root = Path.Combine(Folder, "results");
        CopyDirectory(Path.Combine(Samples, "runs"), Path.Combine(root, "runs"));
        File.WriteAllText(Path.Combine(root, "README.md"), "# Results\n\nHand-written explanation.\n");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, ReportVerb.Run($"{Benchmarks},{Load}", publish: true, includePartial: false, root, output, error));
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.StartsWith("# Results\n\nHand-written explanation.\n", readme, StringComparison.Ordinal);
        Assert.Contains("| triton-grpc-raw | onnx |", MarkedSection.Read(readme, ReportVerb.PageSection), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "charts", "load-rps.svg")));
        Assert.Contains("git add -f", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(1, ReportVerb.Run($"{Benchmarks},{OtherMachine}", publish: true, includePartial: false, root, output, error));
        Assert.Equal(1, ReportVerb.Run("no-such-run", publish: false, includePartial: false, root, output, error));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("report: refusing to put rows", lines[0], StringComparison.Ordinal);
        Assert.Equal($"report: no run 'no-such-run' in {Path.Combine(root, "runs")}", lines[1]);
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
