using System.Net;
using System.Net.Sockets;
using System.CommandLine;
using ServingBench.Verbs;

namespace ServingBench.Tests.Emulators;

/// <summary>The serve verb, parsed as the app parses it: starts on the default ports + offset, answers, stops; mistakes fail clearly.</summary>
public sealed class ServeVerbTests
{
    [Fact]
    public async Task Serve_Starts_Answers_Health_And_Stops()
    {
        int offset = FreeOffset();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var text = new StringWriter();
        var console = TextWriter.Synchronized(text); // serve writes from its own thread while the test reads
        var serve = Task.Run(() => ServeAsync(["serve", "--framework", "triton", "--port-offset", Text(offset)], console, console, stop.Token));

        using var http = new HttpClient();
        var ready = new Uri($"http://127.0.0.1:{8000 + offset}/v2/health/ready");
        HttpStatusCode? status = null;
        for (int attempt = 0; attempt < 100 && status is null && !serve.IsCompleted; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(ready);
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        // The HTTP listener answers before the gRPC one is up; stopping then would cancel the start itself. Stop once
        // serve says it is running, as a user would.
        for (int attempt = 0; attempt < 100 && !Printed(text, console).Contains("Press Ctrl+C", StringComparison.Ordinal) && !serve.IsCompleted; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        await stop.CancelAsync();
        Assert.Equal(0, await serve);
        Assert.Contains($"127.0.0.1:{8001 + offset}", Printed(text, console));
    }

    [Fact]
    public async Task Serve_Fails_Clearly_When_A_Port_Is_Taken()
    {
        int offset = FreeOffset();
        using var blocker = new TcpListener(IPAddress.Loopback, 8000 + offset);
        blocker.Start();
        var error = new StringWriter();
        int code = await ServeAsync(["serve", "--framework", "triton", "--port-offset", Text(offset)], new StringWriter(), error);
        Assert.Equal(1, code);
        Assert.Contains($"{8000 + offset}", error.ToString());
    }

    [Theory]
    [InlineData("--framework", "onnx", "onnx")]
    [InlineData("--backend", "pytorch", "pytorch")]
    [InlineData("--port-offset", "99999", "--port-offset")]
    [InlineData("--workers", "0", "--workers")]
    [InlineData("--queue-size", "-1", "--queue-size")]
    [InlineData("--torchserve-answers", "labels", "labels")]
    public async Task Serve_Rejects_Bad_Options_Naming_Them(string option, string value, string named)
    {
        var error = new StringWriter();
        int code = await ServeAsync(["serve", option, value], new StringWriter(), error);
        Assert.NotEqual(0, code);
        Assert.Contains(named, error.ToString());
    }

    [Fact]
    public void Serve_Options_Reach_The_Emulators()
    {
        var parse = AppVerbs.Create().Parse(["serve", "--workers", "3", "--queue-size", "7", "--backend", "canned", "--host", "127.0.0.1"]);
        Assert.Empty(parse.Errors);
        Assert.Equal(3, parse.GetValue<int>("--workers"));
        Assert.Equal(7, parse.GetValue<int>("--queue-size"));
    }

    private static Task<int> ServeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        AppVerbs.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellationToken);

    /// <summary>What serve printed so far; <paramref name="synchronized"/>'s lock keeps a write from tearing the read.</summary>
    private static string Printed(StringWriter text, TextWriter synchronized)
    {
        lock (synchronized)
        {
            return text.ToString();
        }
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// An offset whose Triton ports (8000, 8001 + offset) were free a moment ago, below Linux's ephemeral range
    /// (32768+) so that client sockets of tests running in parallel cannot take them in between.
    /// </summary>
    internal static int FreeOffset(int first = 12_000)
    {
        int start = first + (Environment.ProcessId % 100) * 100;
        for (int offset = start; offset < 24_000; offset += 7)
        {
            if (IsFree(8000 + offset) && IsFree(8001 + offset))
            {
                return offset;
            }
        }

        throw new InvalidOperationException("no free port pair found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
