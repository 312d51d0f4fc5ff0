using BenchmarkDotNet.Reports;
using ServingBench.Models.Architectures;
using ServingBench.Models.Store;
using ServingBench.Verbs;

namespace ServingBench;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher (<c>--filter '*'</c>, <c>--list flat</c>, <c>--job dry</c> …) with the
/// suite's config, plus the verbs in <see cref="AppVerbs"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        switch (AppVerbs.Classify(args))
        {
            case AppVerbs.Kind.Verb:
                return AppVerbs.Run(args);
            case AppVerbs.Kind.Unknown:
                Console.Error.WriteLine(AppVerbs.Unknown(args[0]));
                return 2;
        }

        if (args.Any(AppVerbs.HelpOptions.Contains))
        {
            // The app's verbs first, then BenchmarkDotNet prints its own options below them.
            Console.Write(AppVerbs.Usage());
        }

        try
        {
            return RunBenchmarks(args);
        }
        catch (SettingsException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }

    private static int RunBenchmarks(string[] args)
    {
        var startedUtc = DateTimeOffset.UtcNow;
        string scratch = RunRecorder.ScratchDirectory(RepositoryPaths.Results, startedUtc);
        var config = ServingBenchConfig.Create(artifactsPath: scratch);
        var expansion = ShellExpandedFilter.Repair(args, Environment.CurrentDirectory, SelectsCases(config));
        if (expansion.Note is { } note)
        {
            (expansion.Refused ? Console.Error : Console.Out).WriteLine(note);
        }

        if (expansion.Refused)
        {
            return 2;
        }

        args = expansion.Args;
        var twins = TwinRows.Expand(args, config);
        if (twins.Added > 0 && !CaseListing.IsFlatListRequest(args))
        {
            Console.WriteLine(TwinRows.Note(twins.Added));
        }

        args = twins.Args;
        var selection = CaseListing.FromCommandLine(typeof(Program).Assembly, args, config);
        bool list = CaseListing.IsFlatListRequest(args);

        // Environment variables are checked once, here, for the classes this command line selects; a run (not a
        // listing) also proves that any real server it names accepts connections, before any report is written.
        RunSettings.Check(type => selection is null || selection.SelectsOrAll(type), connect: !list);
        if (selection is not null && list)
        {
            selection.Print(Console.Out);
            return 0;
        }

        if (selection is { HasFilter: true })
        {
            // One line for the rows this build leaves out, and only when the filter asked for them.
            if (RunnableCases.Describe(selection.Requested(typeof(Benchmarks.InProcessBenchmarks))) is { } leftOut)
            {
                Console.WriteLine(leftOut);
            }

            // Models are built here, once, with progress on the console, rather than inside a benchmark's setup.
            // RoundTrip's onnx rows need the ResNet50 model (and the others where onnx rows of their payloads run).
            bool inProcess = selection.Cases(typeof(Benchmarks.InProcessBenchmarks)).Any();
            List<string> onnxModels = selection.Cases(typeof(Benchmarks.RoundTripBenchmarks)).Any()
                ? [.. Benchmarks.RoundTripBenchmarks.Cases().Where(c => c.Backend == Composition.BackendFactory.Onnx)
                    .Select(c => Payloads.Catalogue.ModelCatalog.Get(c.Payload.ModelName).BaseModel.Name).Distinct()]
                : [];
            if (inProcess || onnxModels.Count > 0)
            {
                ModelStoreOperations.Build(
                    RunSettings.ModelStore(), inProcess ? Enum.GetValues<ModelKind>() : [.. onnxModels.Select(ModelArchitecture.ParseKind)], ModelSize.Real, Console.Out);
            }
        }

        // Each run lands in a new folder of its own; publishing is the separate `report --publish` step.
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();
        RunRecorder.Record(summaries, config, args, RepositoryPaths.Results, scratch, startedUtc, Console.Out);
        return summaries.Any(HasErrors) ? 1 : 0;
    }

    /// <summary>Whether one <c>--filter</c> value selects any case, decided by BenchmarkDotNet's own parser and filter.</summary>
    private static Func<string, bool> SelectsCases(BenchmarkDotNet.Configs.IConfig config) =>
        value => CaseListing.FromCommandLine(typeof(Program).Assembly, ["--filter", value], config)?.Cases().Any() ?? false;

    private static bool HasErrors(Summary summary) =>
        summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success || r.ResultStatistics is null);
}
