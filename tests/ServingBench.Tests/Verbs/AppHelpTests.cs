using System.Diagnostics;
using ServingBench.Verbs;

namespace ServingBench.Tests.Verbs;

/// <summary>The first screens a new user sees: <c>--help</c>, <c>help &lt;verb&gt;</c> and a mistyped verb.</summary>
public sealed class AppHelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help_Shows_Every_Verb_Above_BenchmarkDotNets_Options(string option)
    {
        var (exit, output, _) = RunApp(option);

        Assert.Equal(0, exit);
        int options = output.IndexOf("BenchmarkDotNet's options", StringComparison.Ordinal);
        int switcher = output.IndexOf("-j short", StringComparison.Ordinal); // from BenchmarkDotNet's own help
        Assert.True(options >= 0 && switcher > options, output);
        foreach (string verb in new[] { "serve", "models", "load", "report" })
        {
            int at = output.IndexOf($"      {verb} ", StringComparison.Ordinal);
            Assert.True(at >= 0 && at < options, $"{verb} is not listed above BenchmarkDotNet's options:\n{output}");
        }
    }

    [Fact]
    public void Help_Of_A_Verb_Shows_Its_Options()
    {
        var (exit, output, _) = RunApp("help", "load");

        Assert.Equal(0, exit);
        Assert.Contains("--scenario", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Mistyped_Verb_Gets_The_Nearest_Verb_In_One_Line()
    {
        var (exit, output, error) = RunApp("srve");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("'srve' is not a verb; did you mean serve? (verbs: serve, models, load, report; --help lists everything)", error.TrimEnd());
    }

    [Theory]
    [InlineData("reprot", "report")]
    [InlineData("lod", "load")]
    [InlineData("model", "models")]
    public void Typos_Point_At_Their_Verb(string word, string verb) =>
        Assert.Contains($"did you mean {verb}?", AppVerbs.Unknown(word), StringComparison.Ordinal);

    [Fact]
    public void A_Word_Far_From_Every_Verb_Says_How_To_Run_Benchmarks() =>
        Assert.Contains("--filter '<pattern>'", AppVerbs.Unknown("Serialization"), StringComparison.Ordinal);

    [Theory]
    [InlineData(AppVerbs.Kind.Benchmarks)]
    [InlineData(AppVerbs.Kind.Benchmarks, "--filter", "*")]
    [InlineData(AppVerbs.Kind.Verb, "serve")]
    [InlineData(AppVerbs.Kind.Verb, "help")]
    [InlineData(AppVerbs.Kind.Unknown, "srve")]
    public void The_First_Word_Decides_Who_Reads_The_Command_Line(AppVerbs.Kind kind, params string[] args) =>
        Assert.Equal(kind, AppVerbs.Classify(args));

    private static (int Exit, string Output, string Error) RunApp(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ServingBench.dll"), .. args])
        {
            WorkingDirectory = Path.GetTempPath(),
        };
        ChildEnvironment.SetServingBenchVariables(start, [("SERVINGBENCH_RESULTS", Path.Combine(Path.GetTempPath(), "servingbench-help-results"))]);
        return ChildProcess.Run(start, $"ServingBench {string.Join(' ', args)}");
    }
}
