using System.Diagnostics;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Verbs;

/// <summary>
/// The emulators in a process of their own (this app's <c>serve</c> verb on free ports), so that the load generator
/// and the server share no garbage collector and no thread pool. Disposing stops it; so does this process exiting.
/// </summary>
internal sealed class ChildServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Dictionary<(Framework, Protocol), Uri> _addresses;
    private readonly EventHandler _onExit;

    private ChildServer(Process process, Dictionary<(Framework, Protocol), Uri> addresses)
    {
        _process = process;
        _addresses = addresses;
        _onExit = (_, _) => Stop();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public int ProcessId => _process.Id;

    public Uri Address(Framework framework, Protocol protocol) => _addresses.TryGetValue((framework, protocol), out var address)
        ? address
        : throw new InvalidOperationException($"the child server listed no {Scenario.FrameworkName(framework)} {Scenario.ProtocolName(protocol)} endpoint");

    /// <summary>
    /// Starts <c>serve --free-ports</c> plus <paramref name="serveArguments"/> and reads the bound addresses from its
    /// listing. <paramref name="appCommand"/> is how to run this app (default: the current process's own command).
    /// </summary>
    /// <exception cref="InvalidOperationException">The child exited or listed nothing in time (its stderr in the message).</exception>
    public static async Task<ChildServer> StartAsync(IEnumerable<string> serveArguments, IReadOnlyList<string>? appCommand = null, CancellationToken cancellationToken = default)
    {
        var command = appCommand ?? CurrentAppCommand();
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in command.Skip(1).Concat(["serve", "--free-ports", "--host", "127.0.0.1"]).Concat(serveArguments))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var error = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var addresses = new Dictionary<(Framework, Protocol), Uri>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                {
                    var server = new ChildServer(process, addresses);
                    _ = DrainAsync(process.StandardOutput); // keep the pipe empty so the child never blocks writing
                    return server;
                }

                if (TryParseEndpoint(line, out var key, out var address))
                {
                    addresses[key] = address;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw new InvalidOperationException(cancellationToken.IsCancellationRequested
                ? "interrupted while the child server started"
                : $"the child server listed no endpoints within {StartTimeout.TotalSeconds:0} s");
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        string stderr;
        lock (error)
        {
            stderr = error.ToString().Trim().ReplaceLineEndings(" ");
        }

        int code = process.ExitCode;
        process.Dispose();
        throw new InvalidOperationException($"the child server exited with code {code}: {stderr}");
    }

    /// <summary>Parses a serve listing line such as <c>triton     gRPC (HTTP/2)          http://127.0.0.1:41234/</c>.</summary>
    internal static bool TryParseEndpoint(string line, out (Framework, Protocol) key, out Uri address)
    {
        key = default;
        address = null!;
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3 || !Uri.TryCreate(words[^1], UriKind.Absolute, out var uri))
        {
            return false;
        }

        var framework = Enum.GetValues<Framework>().Cast<Framework?>().FirstOrDefault(f => Scenario.FrameworkName(f!.Value) == words[0]);
        Protocol? protocol = words[1] switch
        {
            "REST" => Protocol.Rest,
            "gRPC" => Protocol.Grpc,
            _ => null,
        };
        if (framework is null || protocol is null)
        {
            return false;
        }

        key = (framework.Value, protocol.Value);
        address = uri;
        return true;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        Stop();
        _process.Dispose();
    }

    private void Stop() => Kill(_process);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task DrainAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The child is gone.
        }
    }

    /// <summary>This app as a command: its apphost, or <c>dotnet ServingBench.dll</c> when run through the dotnet host.</summary>
    private static string[] CurrentAppCommand()
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable this process runs");
        string app = typeof(ChildServer).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, app] : [host];
    }
}
