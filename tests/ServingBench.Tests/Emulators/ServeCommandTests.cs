using System.Net;
using System.Net.Sockets;
using ServingBench.Emulators;

namespace ServingBench.Tests.Emulators;

/// <summary>The serve verb: starts on the default ports + offset, answers /v2/health/ready, stops; a taken port fails clearly.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_Starts_Answers_Health_And_Stops()
    {
        int offset = FreeOffset();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var console = new StringWriter();
        var serve = Task.Run(() => ServeCommand.RunAsync(["serve", "--framework", "triton", "--port-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)], stop.Token, console, console));

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

        Assert.Equal(HttpStatusCode.OK, status);
        await stop.CancelAsync();
        Assert.Equal(0, await serve);
        Assert.Contains($"127.0.0.1:{8001 + offset}", console.ToString());
    }

    [Fact]
    public async Task Serve_Fails_Clearly_When_A_Port_Is_Taken()
    {
        int offset = FreeOffset();
        using var blocker = new TcpListener(IPAddress.Loopback, 8000 + offset);
        blocker.Start();
        var error = new StringWriter();
        int code = await ServeCommand.RunAsync(["serve", "--framework", "triton", "--port-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)], default, new StringWriter(), error);
        Assert.Equal(1, code);
        Assert.Contains($"{8000 + offset}", error.ToString());
    }

    [Fact]
    public async Task Serve_Rejects_Unknown_Arguments()
    {
        var error = new StringWriter();
        Assert.Equal(2, await ServeCommand.RunAsync(["serve", "--framework", "onnx"], default, new StringWriter(), error));
        Assert.Contains("unknown framework", error.ToString());
    }

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
