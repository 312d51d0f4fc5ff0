using System.CommandLine;
using ServingBench.Config;
using ServingBench.Models.Architectures;
using ServingBench.Models.Store;

namespace ServingBench.Verbs;

/// <summary>
/// <c>models [list|build|verify] [resnet50|wav2vec2|bart …] [--tiny]</c>: the model cache (models/README.md).
/// With no action it lists; with no model names it acts on all three. The work is <see cref="ModelStoreOperations"/>'.
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
        return command;

        Command Action(string name, string description, Operation operation)
        {
            var models = new Argument<string[]>("model")
            {
                Arity = ArgumentArity.ZeroOrMore,
                Description = "resnet50, wav2vec2 or bart (default: all three).",
            };
            models.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, ModelNames);
            var action = new Command(name, description) { models };
            action.SetAction(parse =>
            {
                string[] names = parse.GetValue(models) ?? [];
                ModelKind[] kinds = names.Length == 0 ? Enum.GetValues<ModelKind>() : [.. names.Select(ModelArchitecture.ParseKind)];
                return operation(openStore(), kinds, Size(parse, tiny), parse.InvocationConfiguration.Output);
            });
            return action;
        }
    }

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
