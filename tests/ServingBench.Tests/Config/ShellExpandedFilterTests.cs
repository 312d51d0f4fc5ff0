using System.Diagnostics;
using ServingBench.Config;

namespace ServingBench.Tests.Config;

/// <summary>
/// <c>--filter *</c> typed unquoted in bash: the values the app receives come from a real shell expansion in a
/// temporary folder, and the built app is run there through bash as a user would.
/// </summary>
public sealed class ShellExpandedFilterTests() : TemporaryFolderTest("servingbench-shell-")
{
    private static readonly Func<string, bool> NothingMatches = _ => false;

    [Fact]
    public void An_Unquoted_Star_Runs_As_The_Star_With_One_Line()
    {
        MakeEntries("Benchmarks", "Config", "Program.cs", "ServingBench.csproj");
        string[] args = Expand("--job dry --filter * --list flat");

        var outcome = ShellExpandedFilter.Repair(args, Folder, NothingMatches);

        Assert.Equal(["--job", "dry", "--filter", "*", "--list", "flat"], outcome.Args);
        Assert.False(outcome.Refused);
        Assert.Contains("the shell expanded an unquoted *", outcome.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Narrower_Unquoted_Pattern_Gets_One_Line_Asking_To_Quote_It()
    {
        MakeEntries("Serialization", "Config");
        string[] args = Expand("--filter *Serial*");
        Assert.Equal(["--filter", "Serialization"], args); // what bash made of it

        var outcome = ShellExpandedFilter.Repair(args, Folder, NothingMatches);

        Assert.True(outcome.Refused);
        Assert.Equal(args, outcome.Args);
        Assert.Contains("quote it", outcome.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Value_That_Selects_Benchmarks_Is_Never_Rewritten()
    {
        // A folder that happens to hold an entry named like a class: the user meant the class.
        MakeEntries("SerializationBenchmarks");
        string[] args = ["--filter", "SerializationBenchmarks"];

        var outcome = ShellExpandedFilter.Repair(args, Folder, v => v == "SerializationBenchmarks");

        Assert.Same(args, outcome.Args);
        Assert.Null(outcome.Note);
    }

    [Theory]
    [InlineData("--filter", "*Serialization*")] // quoted: the pattern itself arrives
    [InlineData("--list", "flat")] // no filter at all
    public void Quoted_Patterns_And_Other_Arguments_Pass_Unchanged(params string[] args)
    {
        MakeEntries("Benchmarks");

        var outcome = ShellExpandedFilter.Repair(args, Folder, NothingMatches);

        Assert.Same(args, outcome.Args);
        Assert.Null(outcome.Note);
    }

    [Fact]
    public void The_Built_App_Lists_Every_Case_When_Bash_Expands_The_Star()
    {
        MakeEntries("Benchmarks", "Program.cs", "obj");
        var (exit, expanded) = RunApp("--list flat --filter *");
        var (_, quoted) = RunApp("--list flat --filter '*'");

        Assert.Equal(0, exit);
        Assert.StartsWith("--filter got this folder's 3 entries (Benchmarks, Program.cs, obj)", expanded, StringComparison.Ordinal);
        Assert.Equal(LastLine(quoted), LastLine(expanded)); // "N cases": the same as the quoted star
        Assert.EndsWith(" cases", LastLine(expanded), StringComparison.Ordinal);
    }

    private void MakeEntries(params string[] names)
    {
        foreach (string name in names)
        {
            if (name.Contains('.', StringComparison.Ordinal))
            {
                File.WriteAllText(Path.Combine(Folder, name), "");
            }
            else
            {
                Directory.CreateDirectory(Path.Combine(Folder, name));
            }
        }
    }

    /// <summary>The arguments bash passes for <paramref name="commandLine"/> typed in the temporary folder.</summary>
    private string[] Expand(string commandLine)
    {
        var (_, output) = Bash($"printf '%s\\n' {commandLine}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private (int Exit, string Output) RunApp(string arguments) =>
        Bash($"exec dotnet '{Path.Combine(AppContext.BaseDirectory, "ServingBench.dll")}' {arguments}");

    private (int Exit, string Output) Bash(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = Folder };
        ChildEnvironment.SetServingBenchVariables(start, [("SERVINGBENCH_RESULTS", Path.Combine(Folder, "results"))]);
        var (exit, output, error) = ChildProcess.Run(start, $"bash -c {script}");
        Assert.True(error.Length == 0, error);
        return (exit, output);
    }

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1];
}
