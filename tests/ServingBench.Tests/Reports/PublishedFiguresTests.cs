using System.Text.RegularExpressions;
using ServingBench.Reports.Composition;
using ServingBench.Verbs;

namespace ServingBench.Tests.Reports;

/// <summary>
/// No hand-copied figure: the published page (results/README.md) and README.md's headline table are what
/// <c>report</c> composes from the committed runs the page names. Editing a figure by hand, or committing a page
/// without its runs, fails here.
/// </summary>
public sealed partial class PublishedFiguresTests() : TemporaryFolderTest("servingbench-published-")
{
    [Fact]
    public void Published_Page_And_Readme_Headline_Are_Composed_From_The_Committed_Runs()
    {
        string root = RepositoryRoot.Find() ?? throw new InvalidOperationException("the tests run inside a clone");
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string? headline = MarkedSection.Read(readme, ReportVerb.HeadlineSection);
        Assert.True(headline is not null, $"README.md lacks the {MarkedSection.Begin(ReportVerb.HeadlineSection)} markers `report --publish` writes between");

        string? published = MarkedSection.Read(File.ReadAllText(Path.Combine(root, "results", "README.md")), ReportVerb.PageSection);
        Assert.True(published is not null, $"results/README.md lacks the {MarkedSection.Begin(ReportVerb.PageSection)} markers `report --publish` writes between");

        var ids = RunRow().Matches(published).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(ids);
        var runs = RunSelection.Choose(Path.Combine(root, "results"), string.Join(',', ids), includePartial: true, TextWriter.Null);
        var page = ReportComposer.Compose(runs, Folder);
        Assert.Equal(page.Headline.Trim('\n'), headline.Trim('\n'));
        Assert.Equal(page.Markdown.Trim('\n'), published.Trim('\n'));
    }

    /// <summary>A row of the page's Runs table: <c>| `20261201T063400Z-vm` | benchmarks | …</c>.</summary>
    [GeneratedRegex(@"^\| `(\d{8}T\d{6}Z-[^`]+)` \| (?:benchmarks|load) \|", RegexOptions.Multiline)]
    private static partial Regex RunRow();
}
