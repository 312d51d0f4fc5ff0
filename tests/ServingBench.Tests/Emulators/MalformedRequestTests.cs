using System.Net.Sockets;
using Encoding = System.Text.Encoding;
using ServingBench.Emulators.Hosting;

namespace ServingBench.Tests.Emulators;

/// <summary>
/// Requests Kestrel refuses in its parser, before any handler runs, answered as each real server answers them:
/// TorchServe's JSON error, libevent's HTML page for TF Serving, and Kestrel's own empty 400 for Triton (libevhtp
/// closes without answering, so there is no format to copy).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class MalformedRequestTests(EmulatorFixture fixture)
{
    private const string TorchServeBody = "{\n  \"code\": 400,\n  \"type\": \"BadRequestException\",\n  \"message\": \"Invalid HTTP message.\"\n}\n";
    private const string LibeventBody = "<HTML><HEAD>\n<TITLE>400 Bad Request</TITLE>\n</HEAD><BODY>\n<H1>Bad Request</H1>\n</BODY></HTML>\n";

    [Theory]
    [InlineData(Framework.TorchServe, "/predictions/bart", "application/json", TorchServeBody)]
    [InlineData(Framework.TfServing, "/v1/models/bart:predict", "text/html", LibeventBody)]
    [InlineData(Framework.Triton, "/v2/models/bart/infer", null, "")]
    public async Task Content_Length_That_Is_Not_A_Number_Gets_The_Framework_Answer(Framework framework, string path, string? contentType, string body)
    {
        var answer = await ExchangeAsync(framework, $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{{}}");

        AssertAnswer(answer, 400, contentType, body);
    }

    /// <summary>Netty refuses several Content-Lengths outright (libevent, under TF Serving, would read the first).</summary>
    [Fact]
    public async Task Two_Content_Lengths_Get_TorchServes_Answer()
    {
        var answer = await ExchangeAsync(Framework.TorchServe, "POST /predictions/bart HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");

        AssertAnswer(answer, 400, "application/json", TorchServeBody);
    }

    /// <summary>9,000 bytes of headers: over Netty's 8,192 for TorchServe; libevent, under TF Serving, sets no limit, so its handler answers.</summary>
    [Fact]
    public async Task Headers_Over_Nettys_Limit_Are_Refused_By_TorchServe_Only()
    {
        string big = new('a', 9000);
        var torchServe = await ExchangeAsync(Framework.TorchServe, $"POST /predictions/bart HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");
        var tfServing = await ExchangeAsync(Framework.TfServing, $"POST /v1/models/bart:predict HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");

        AssertAnswer(torchServe, 400, "application/json", TorchServeBody);
        Assert.Contains("Missing 'inputs' or 'instances' key", tfServing, StringComparison.Ordinal);
    }

    /// <summary>A 400 a handler writes leaves the listener as written, even with the connection closing after it.</summary>
    [Theory]
    [InlineData(Framework.TorchServe, "/predictions/resnet50", "\"type\": \"BadRequestException\"")]
    [InlineData(Framework.TfServing, "/v1/models/bart:predict", "Missing 'inputs' or 'instances' key")]
    public async Task A_Handlers_400_Passes_Untouched(Framework framework, string path, string expected)
    {
        var answer = await ExchangeAsync(framework, $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Contains(expected, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid HTTP message.", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_Kestrels_Bare_Refusal_Is_Replaced()
    {
        var answer = new MalformedRequestAnswer("text/plain", "refused"u8, replacing: [400]);
        const string Date = "Date: Tue, 01 Dec 2026 09:16:49 GMT\r\n";

        byte[]? replaced = answer.Replace(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n{Date}\r\n"));
        Assert.Equal(
            $"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n{Date}Connection: close\r\nContent-Length: 7\r\n\r\nrefused",
            Encoding.ASCII.GetString(replaced!));

        // A handler's empty 400 carries its own headers; other statuses are not in the list; a keep-alive answer is not a refusal.
        Assert.Null(answer.Replace(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nContent-Type: application/json\r\n{Date}\r\n")));
        Assert.Null(answer.Replace(Encoding.ASCII.GetBytes($"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n{Date}\r\n")));
        Assert.Null(answer.Replace(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n{Date}\r\n")));
    }

    private static void AssertAnswer(string answer, int status, string? contentType, string body)
    {
        int end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete answer: '{answer}'");
        string head = answer[..end];
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}", head, StringComparison.Ordinal);
        if (contentType is null)
        {
            Assert.DoesNotContain("Content-Type", head, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            Assert.Contains($"\r\nContent-Type: {contentType}\r\n", head + "\r\n", StringComparison.Ordinal);
        }

        Assert.Equal(body, answer[(end + 4)..]);
    }

    /// <summary>Sends <paramref name="request"/> as is and reads until the server closes the connection (every case here closes it).</summary>
    private async Task<string> ExchangeAsync(Framework framework, string request)
    {
        var address = fixture.Servers.Address(framework, Protocol.Rest);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return Encoding.UTF8.GetString(received.ToArray());
    }
}
