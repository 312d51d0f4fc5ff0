using System.CommandLine;
using ServingBench.Emulators;

namespace ServingBench.Verbs;

/// <summary><c>serve</c>: the emulators on the frameworks' default ports (options as in <see cref="ServeCommand.Usage"/>).</summary>
internal static class ServeVerb
{
    public static Command Create()
    {
        // The emulators' own option parser still reads the arguments; they pass through unparsed.
        var command = new Command("serve", "Run the TF Serving, TorchServe and Triton emulators on 127.0.0.1 until Ctrl+C. " + ServeCommand.Usage)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse => ServeCommand.RunAsync([.. parse.UnmatchedTokens]).GetAwaiter().GetResult());
        return command;
    }
}
