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
    public async Task Serve_Announces_Every_Endpoint_As_One_Json_Line_A_Client_Can_Use()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = new FirstLineWriter();
        var serve = Task.Run(() => ServeAsync(["serve", "--framework", "triton", "--free-ports", "--ready-json"], output, new StringWriter(), stop.Token));

        string line = await output.FirstLine.WaitAsync(stop.Token);
        var ready = ServeAnnouncement.TryParse(line);

        Assert.NotNull(ready);
        Assert.Equal(Environment.ProcessId, ready.ProcessId);
        Assert.Equal("canned", ready.Backend);
        Uri rest = ready.Address(Framework.Triton, Protocol.Rest)!;
        Assert.NotNull(ready.Address(Framework.Triton, Protocol.Grpc));
        Assert.Null(ready.Address(Framework.TorchServe, Protocol.Rest)); // not started
        using var http = new HttpClient();
        using (var response = await http.GetAsync(new Uri(rest, "v2/health/ready")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await serve);
        Assert.Equal(line + Environment.NewLine, output.ToString()); // nothing but the line: no table, no prose
    }

    [Theory]
    [InlineData("  triton     gRPC (HTTP/2)          http://127.0.0.1:41234/")]
    [InlineData("{\"event\":\"something-else\",\"endpoints\":[]}")]
    [InlineData("{not json")]
    public void Other_Lines_Are_Not_An_Announcement(string line) => Assert.Null(ServeAnnouncement.TryParse(line));

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

    /// <summary>Output that signals the first line written, so a test waits for it without polling.</summary>
    private sealed class FirstLineWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> FirstLine => _firstLine.Task;

        public override Task WriteLineAsync(string? value)
        {
            base.WriteLine(value);
            _firstLine.TrySetResult(value ?? string.Empty);
            return Task.CompletedTask;
        }
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
