using System.Diagnostics;

namespace ServingBench.Verbs;

/// <summary>
/// The emulators in a process of their own (this app's <c>serve</c> verb on free ports), so that the load generator
/// and the server share no garbage collector and no thread pool. Disposing stops it; so does this process exiting.
/// </summary>
internal sealed class ChildServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ServeAnnouncement _ready;
    private readonly EventHandler _onExit;

    private ChildServer(Process process, ServeAnnouncement ready)
    {
        _process = process;
        _ready = ready;
        _onExit = (_, _) => Stop();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public int ProcessId => _process.Id;

    public Uri Address(Framework framework, Protocol protocol) => _ready.Address(framework, protocol)
        ?? throw new InvalidOperationException($"the child server listed no {Scenario.FrameworkName(framework)} {Scenario.ProtocolName(protocol)} endpoint");

    /// <summary>A framework's listener of another role (its metrics port); null when the child announced none.</summary>
    public Uri? Address(Framework framework, Emulators.Hosting.EndpointRole role) => _ready.Address(framework, role);

    /// <summary>
    /// Starts <c>serve --free-ports --ready-json</c> plus <paramref name="serveArguments"/> and reads the bound addresses
    /// from the one line it prints when every server listens. <paramref name="appCommand"/> is how to run this app (default: the current process's own command).
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
        foreach (string arg in command.Skip(1).Concat(["serve", "--free-ports", "--ready-json", "--host", "127.0.0.1"]).Concat(serveArguments))
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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (ServeAnnouncement.TryParse(line) is { } ready)
                {
                    var server = new ChildServer(process, ready);
                    _ = DrainAsync(process.StandardOutput); // keep the pipe empty so the child never blocks writing
                    return server;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw new InvalidOperationException(cancellationToken.IsCancellationRequested
                ? "interrupted while the child server started"
                : $"the child server announced no endpoints within {StartTimeout.TotalSeconds:0} s");
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
