using System.CommandLine;
using ServingBench.Models.Store;

namespace ServingBench.Verbs;

/// <summary><c>models [list|build|verify] [model…] [--tiny]</c>: the model cache.</summary>
internal static class ModelsVerb
{
    public static Command Create()
    {
        var command = new Command("models", "List, build or verify the model cache: models [list|build|verify] [resnet50|wav2vec2|bart …] [--tiny].")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse => ModelsCommand.Run([.. parse.UnmatchedTokens]));
        return command;
    }
}
