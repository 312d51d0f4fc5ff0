using System.Net;
using System.Net.Sockets;
using TextEncoding = System.Text.Encoding;
using ServingBench.Emulators;
using ServingBench.Load;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Load;

/// <summary>The lean load client: the full client's request bytes, every answer read to its end, statuses counted.</summary>
public sealed class PreEncodedHttpSenderTests
{
    [Fact]
    public async Task The_Message_Is_The_Full_Clients_Request_And_The_Emulator_Answers_It_Every_Time()
    {
        await using var servers = await EmulatedServers.StartAsync(new EmulatorOptions(), [Framework.TorchServe]);
        var scenario = ScenarioCatalog.TorchServeRestRaw;
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        using var client = (RestInferenceClient)await InferenceClients.ConnectAsync(scenario, payload.Model, servers.Address(scenario.Framework, scenario.Protocol));
        var request = payload.RequestFor(scenario);

        byte[] message = client.EncodeHttpMessage(request);
        string text = TextEncoding.UTF8.GetString(message);
        byte[] article = request.Inputs[0].GetBytesElements()[0].ToArray();
        Assert.StartsWith($"POST /predictions/{client.ModelName} HTTP/1.1\r\nHost: {client.InferUri.Authority}\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {article.Length}\r\n\r\n", text, StringComparison.Ordinal);
        Assert.Equal(article, message[^article.Length..]);

        using var sender = new PreEncodedHttpSender(client.InferUri, message);
        for (int i = 0; i < 20; i++)
        {
            await sender.SendAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Chunked_And_Closing_Answers_Are_Read_To_Their_End_And_A_Refusal_Is_Its_Status()
    {
        // One connection answers chunked, then by length, then 503 and closes; the next request needs a new one.
        string[] firstConnection =
        [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy",
        ];
        string[] secondConnection = ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            foreach (var answers in new[] { firstConnection, secondConnection })
            {
                using var socket = await listener.AcceptSocketAsync();
                foreach (string answer in answers)
                {
                    await ReadOneRequestAsync(socket);
                    await socket.SendAsync(TextEncoding.ASCII.GetBytes(answer));
                }
            }
        });
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        using var sender = new PreEncodedHttpSender(address, TextEncoding.ASCII.GetBytes("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await sender.SendAsync(timeout.Token);
        await sender.SendAsync(timeout.Token);
        var refused = await Assert.ThrowsAsync<ServingException>(() => sender.SendAsync(timeout.Token));
        Assert.Equal(503, refused.HttpStatus);
        Assert.Equal(FailureStatus.ServiceUnavailable, FailureStatus.Of(refused));
        await sender.SendAsync(timeout.Token);
        await server.WaitAsync(timeout.Token);
    }

    /// <summary>Reads one request of the test's shape (headers, then a 2-byte body).</summary>
    private static async Task ReadOneRequestAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[256];
        while (!TextEncoding.ASCII.GetString(received.ToArray()).EndsWith("\r\n\r\nhi", StringComparison.Ordinal))
        {
            int read = await socket.ReceiveAsync(buffer);
            Assert.True(read > 0, "the client closed the connection");
            received.AddRange(buffer.AsSpan(0, read));
        }
    }
}
