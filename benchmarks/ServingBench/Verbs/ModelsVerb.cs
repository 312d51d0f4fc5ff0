using System.CommandLine;
using ServingBench.Export;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Store;

namespace ServingBench.Verbs;

/// <summary>
/// <c>models [list|build|verify|export] [resnet50|wav2vec2|bart …] [--tiny]</c>: the model cache (models/README.md),
/// and <c>export</c>, which lays the models out for the real servers (docs/real-servers.md). With no action it lists;
/// with no model names it acts on all three. The work is <see cref="ModelStoreOperations"/>' and <see cref="ServerExport"/>'s.
/// </summary>
internal static class ModelsVerb
{
    private delegate int Operation(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output);

    private static string[] ModelNames { get; } =
        [.. Enum.GetValues<ModelKind>().Select(kind => kind.ToString().ToLowerInvariant())];

    public static Command Create() => Create(RunSettings.ModelStore);

    /// <summary>The verb over the store that <paramref name="openStore"/> opens when an action runs (tests pass a temporary one).</summary>
    public static Command Create(Func<ModelStore> openStore)
    {
        var tiny = new Option<bool>("--tiny")
        {
            Description = "The tiny test-size models instead of the real ones.",
            Recursive = true,
        };
        var command = new Command("models", "List, build or verify the model cache (models/README.md).") { tiny };
        command.SetAction(parse => List(openStore(), Enum.GetValues<ModelKind>(), Size(parse, tiny), parse.InvocationConfiguration.Output));
        command.Subcommands.Add(Action("list", "Show what models/ holds and where each model comes from (the default).", List));
        command.Subcommands.Add(Action("build", "Build the models that are missing or stale, with progress.", Build));
        command.Subcommands.Add(Action("verify", "Re-hash cached builds and re-read exports; exit 1 when any is damaged.", Verify));
        command.Subcommands.Add(Export(openStore, tiny));
        return command;

        Command Action(string name, string description, Operation operation)
        {
            var models = ModelArgument();
            var action = new Command(name, description) { models };
            action.SetAction(parse => operation(openStore(), Kinds(parse, models), Size(parse, tiny), parse.InvocationConfiguration.Output));
            return action;
        }
    }

    /// <summary><c>models export</c>: a Triton model repository, a TorchServe model store and a TF Serving layout from the models.</summary>
    private static Command Export(Func<ModelStore> openStore, Option<bool> tiny)
    {
        var models = ModelArgument();
        var output = new Option<string>("--output", "-o")
        {
            Description = "Folder that receives triton/, torchserve/ and tfserving/ (default: export/ in the models folder, which deploy/compose.yaml mounts).",
        };
        var framework = OptionRules.Framework("Which servers to write for.");
        var maxBatchSize = new Option<int>("--max-batch-size")
        {
            Description = "Triton's max_batch_size (0: tensors with their own batch dimension); with --dynamic-batching, TorchServe's batchSize and TF Serving's max_batch_size.",
            DefaultValueFactory = _ => new BatchingOptions().MaxBatchSize,
        };
        maxBatchSize.Validators.Add(result => OptionRules.AtLeast(result, 0));
        var dynamicBatching = new Option<bool>("--dynamic-batching")
        {
            Description = "Let each server combine concurrent requests into batches (Triton dynamic_batching, TorchServe batchSize, TF Serving --enable_batching). Off by default, as in the emulators.",
        };
        var maxBatchDelay = new Option<int>("--max-batch-delay-ms")
        {
            Description = "How long a batcher waits to fill a batch.",
            DefaultValueFactory = _ => new BatchingOptions().MaxDelayMilliseconds,
        };
        maxBatchDelay.Validators.Add(result => OptionRules.AtLeast(result, 0));
        var workers = new Option<int?>("--workers")
        {
            Description = "TorchServe workers and Triton instances per model (default: each server's own).",
        };
        workers.Validators.Add(result => OptionRules.AtLeast(result, 1));
        var queueSize = new Option<int>("--queue-size")
        {
            Description = "TorchServe job_queue_size: requests waiting beyond the busy workers before a 503.",
            DefaultValueFactory = _ => ExportOptions.DefaultQueueSize,
        };
        queueSize.Validators.Add(result => OptionRules.AtLeast(result, 1));

        var command = new Command("export", "Write a Triton model repository, a TorchServe model store and a TF Serving layout from the models (docs/real-servers.md).")
        {
            models, output, framework, maxBatchSize, dynamicBatching, maxBatchDelay, workers, queueSize,
        };
        command.Validators.Add(result =>
        {
            // Only a given --max-batch-size can be 0; the default is 8 (GetValue in a validator does not apply defaults).
            if (result.GetValue(dynamicBatching) && result.GetResult(maxBatchSize)?.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--dynamic-batching needs --max-batch-size of at least 1");
            }
        });
        command.SetAction(parse =>
        {
            var store = openStore();
            var options = new ExportOptions
            {
                OutputDirectory = parse.GetValue(output) ?? Path.Combine(store.Root, "export"),
                Servers = Servers(parse.GetValue(framework)!),
                Batching = new BatchingOptions(parse.GetValue(maxBatchSize), parse.GetValue(dynamicBatching), parse.GetValue(maxBatchDelay)),
                Workers = parse.GetValue(workers),
                QueueSize = parse.GetValue(queueSize),
                BartNewTokens = InProcessRunner.NewTokens,
            };
            try
            {
                ServerExport.Write(store, Kinds(parse, models), Size(parse, tiny), options, parse.InvocationConfiguration.Output);
                return 0;
            }
            catch (ExportException ex)
            {
                parse.InvocationConfiguration.Error.WriteLine($"models export: {ex.Message}");
                return 2;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A damaged or incomplete model (InvalidDataException, FileNotFoundException) or a disk that refuses.
                parse.InvocationConfiguration.Error.WriteLine($"models export: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Argument<string[]> ModelArgument()
    {
        var models = new Argument<string[]>("model")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "resnet50, wav2vec2 or bart (default: all three).",
        };
        models.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, ModelNames);
        return models;
    }

    private static ModelKind[] Kinds(ParseResult parse, Argument<string[]> models)
    {
        string[] names = parse.GetValue(models) ?? [];
        return names.Length == 0 ? Enum.GetValues<ModelKind>() : [.. names.Select(ModelArchitecture.ParseKind).Distinct()];
    }

    private static ServerKind[] Servers(string framework) => framework switch
    {
        "triton" => [ServerKind.Triton],
        "torchserve" => [ServerKind.TorchServe],
        "tfserving" => [ServerKind.TfServing],
        _ => Enum.GetValues<ServerKind>(),
    };


    private static ModelSize Size(ParseResult parse, Option<bool> tiny) => parse.GetValue(tiny) ? ModelSize.Tiny : ModelSize.Real;

    private static int List(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output)
    {
        ModelStoreOperations.List(store, kinds, size, output);
        return 0;
    }

    private static int Build(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output)
    {
        ModelStoreOperations.Build(store, kinds, size, output);
        return 0;
    }

    private static int Verify(ModelStore store, IReadOnlyList<ModelKind> kinds, ModelSize size, TextWriter output) =>
        ModelStoreOperations.Verify(store, kinds, size, output) == 0 ? 0 : 1;
}
