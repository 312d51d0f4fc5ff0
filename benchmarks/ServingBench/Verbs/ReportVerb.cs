using System.CommandLine;
using ServingBench.Reports.Composition;

namespace ServingBench.Verbs;

/// <summary>
/// <c>report [--runs &lt;ids&gt;|latest] [--publish] [--include-partial]</c>: composes run folders into a results page
/// with charts. Publishing is this deliberate step; a benchmark run only ever writes its own folder.
/// <c>report compare</c> (<see cref="CompareVerb"/>) compares two runs.
/// </summary>
internal static class ReportVerb
{
    /// <summary>The generated part of results/README.md.</summary>
    public const string PageSection = "report";

    /// <summary>The generated headline table in the repository's README.md.</summary>
    public const string HeadlineSection = "headline";

    public static Command Create()
    {
        var runs = new Option<string>("--runs")
        {
            Description = "Comma-separated run ids (folders under results/runs/), or 'latest': the newest complete run of each kind.",
            DefaultValueFactory = _ => RunSelection.Latest,
        };
        var publish = new Option<bool>("--publish")
        {
            Description = "Write the page to results/README.md and results/charts/, and the headline table into README.md.",
        };
        var includePartial = new Option<bool>("--include-partial")
        {
            Description = "Compose partial, dry and failed runs too (the page marks them).",
        };
        var command = new Command("report", "Compose benchmark and load runs into a results page with tables and charts.") { runs, publish, includePartial };
        command.SetAction(parse => Run(parse.GetValue(runs)!, parse.GetValue(publish), parse.GetValue(includePartial), RepositoryPaths.Results, Console.Out, Console.Error));
        command.Subcommands.Add(CompareVerb.Create());
        return command;
    }

    internal static int Run(string runs, bool publish, bool includePartial, string resultsRoot, TextWriter output, TextWriter error)
    {
        try
        {
            var chosen = RunSelection.Choose(resultsRoot, runs, includePartial, output);
            string directory = publish ? resultsRoot : Path.Combine(chosen[^1].Folder.FullPath, "report");
            var page = ReportComposer.Compose(chosen, directory);
            string pagePath = Path.Combine(directory, "README.md");
            string existing = File.Exists(pagePath) ? File.ReadAllText(pagePath) : "# ServingBench results\n";
            File.WriteAllText(pagePath, MarkedSection.Replace(existing, PageSection, page.Markdown));
            output.WriteLine($"Wrote {RunRecorder.Readable(pagePath)} and {page.ChartFiles.Count} chart files from {string.Join(", ", chosen.Select(r => r.Folder.Id))}");
            if (publish)
            {
                PublishHeadline(resultsRoot, page.Headline, output);
                output.WriteLine($"Commit the page with the runs it is built from: git add -f {string.Join(" ", chosen.Select(r => RunRecorder.Readable(r.Folder.FullPath)))}");
            }

            return 0;
        }
        catch (Exception e) when (e is ReportRefusedException or InvalidOperationException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            error.WriteLine($"report: {e.Message}");
            return 1;
        }
    }

    /// <summary>The README's headline table follows the page it summarises, when that page is the repository's own results/.</summary>
    private static void PublishHeadline(string resultsRoot, string headline, TextWriter output)
    {
        string readme = Path.Combine(RepositoryPaths.Root, "README.md");
        if (Path.GetFullPath(resultsRoot) != Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "results")) || !File.Exists(readme))
        {
            output.WriteLine($"README.md's headline left as it is: {resultsRoot} is not this repository's results/");
            return;
        }

        string text = File.ReadAllText(readme);
        if (MarkedSection.Read(text, HeadlineSection) is null)
        {
            output.WriteLine($"README.md's headline left as it is: it has no {MarkedSection.Begin(HeadlineSection)} marker");
            return;
        }

        File.WriteAllText(readme, MarkedSection.Replace(text, HeadlineSection, headline));
        output.WriteLine("Wrote the headline table into README.md");
    }
}
