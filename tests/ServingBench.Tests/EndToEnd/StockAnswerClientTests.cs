using System.Net;
using System.Net.Sockets;
using Encoding = System.Text.Encoding;
using ServingBench.Emulators;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Codecs.TorchServe;

namespace ServingBench.Tests.EndToEnd;

/// <summary>
/// The clients read what a stock TorchServe answers for files (top-5 labels, transcript, summary) into typed outputs,
/// and a 200 whose body fits nothing says so, with the status, what was expected and the first bytes.
/// </summary>
public sealed class StockAnswerClientTests
{
    public static TheoryData<string, string> FileCells() => new()
    {
        { "torchserve-rest-raw", "resnet50-jpeg" },
        { "torchserve-grpc-raw", "resnet50-jpeg" },
        { "torchserve-rest-raw", "wav2vec2-audio" },
        { "torchserve-grpc-raw", "bart-text" },
    };

    [Theory]
    [MemberData(nameof(FileCells))]
    public async Task Stock_Answers_Decode_Into_Typed_Outputs(string scenarioName, string payloadName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        await using var servers = await EmulatedServers.StartAsync(new EmulatorOptions { TorchServeDefaultHandlers = true }, [Framework.TorchServe]);
        using var client = await InferenceClients.ConnectAsync(scenario, payload.Model, servers.Address(scenario.Framework, scenario.Protocol));

        var response = await client.InferAsync(payload.RequestFor(scenario));

        Assert.True(payload.Model.StockAnswer!.IsAnswer(response));
        if (payload.Model.StockAnswer is TopKAnswer)
        {
            var labels = response.Output(TopKAnswer.Labels).GetBytesElements().Select(l => Encoding.UTF8.GetString(l.Span)).ToList();
            var probabilities = response.Output(TopKAnswer.Probabilities).AsSpan<float>().ToArray();
            var expected = ServingBench.Payloads.Postprocessing.ImageNetTopK.TopK(payload.Response.Outputs[0].AsSpan<float>());
            Assert.Equal(expected.Select(p => p.Label), labels);
            Assert.Equal(expected.Select(p => p.Probability), probabilities);
        }
        else
        {
            Assert.Single(response.Outputs[0].GetBytesElements());
            Assert.Equal(Assert.IsType<TextAnswer>(payload.Model.StockAnswer).Key, response.Outputs[0].Name);
        }
    }

    [Fact]
    public async Task An_Unexpected_200_Names_The_Status_The_Expectation_And_The_First_Bytes()
    {
        using var server = new FixedAnswerServer("<html>maintenance page</html>");
        var scenario = ScenarioCatalog.TorchServeRestJson;
        var payload = PayloadFactory.Get(PayloadKind.Resnet50Tensor);
        using var client = await InferenceClients.ConnectAsync(scenario, payload.Model, server.Address);

        var error = await Assert.ThrowsAsync<ServingException>(() => client.InferAsync(payload.RequestFor(scenario)));

        Assert.Equal(200, error.HttpStatus);
        Assert.StartsWith("200 OK from /predictions/resnet50, but the body is not a torchserve-rest-json answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("<html>maintenance", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("server returned an error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Summary_Beside_Other_Members_As_Hugging_Face_Pipelines_Answer_Is_Read()
    {
        var response = await SummariseAgainstAsync("{\n  \"summary_text\": \"A cat sat.\",\n  \"output_ids\": [[2, 0, 83, 4758, 2]]\n}");

        var summary = Assert.Single(response.Outputs);
        Assert.Equal("summary", summary.Name);
        Assert.Equal("A cat sat.", Encoding.UTF8.GetString(Assert.Single(summary.GetBytesElements()).Span));
    }

    [Fact]
    public async Task An_Answer_With_No_Member_Of_The_Models_Form_Is_Refused()
    {
        // output_ids is what a generation handler could answer, and a transcript another model's answer: neither is a summary.
        var error = await Assert.ThrowsAsync<ServingException>(() => SummariseAgainstAsync("{\"output_ids\": [[2, 0, 83, 4758, 2]], \"transcript\": \"a cat sat\"}"));

        Assert.Contains("or a stock handler's answer (a \"summary\" text); got a JSON object of neither form", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Emulators_Do_Not_Reference_The_Engines()
    {
        // Engines know nothing of protocols, servers nothing of engines: only the app wires one into the other.
        var references = typeof(EmulatedServers).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("ServingBench.Models", references);
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", references);
        string project = File.ReadAllText(Path.Combine(
            ServingBench.Wire.RepositoryRoot.Require("tests run inside a clone"), "benchmarks", "ServingBench.Emulators", "ServingBench.Emulators.csproj"));
        Assert.DoesNotContain("ServingBench.Models", project, StringComparison.Ordinal);
    }

    /// <summary>Sends the article to a TorchServe that answers <paramref name="answer"/> to everything, as the BART client reads it.</summary>
    private static async Task<ServingBench.Wire.Tensors.InferenceResponse> SummariseAgainstAsync(string answer)
    {
        using var server = new FixedAnswerServer(answer);
        var scenario = ScenarioCatalog.TorchServeRestRaw;
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        using var client = await InferenceClients.ConnectAsync(scenario, payload.Model, server.Address);
        return await client.InferAsync(payload.RequestFor(scenario));
    }

    /// <summary>A loopback HTTP/1.1 server that answers every request 200 with one body (TorchServe's /ping gets its JSON).</summary>
    private sealed class FixedAnswerServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public FixedAnswerServer(string body)
        {
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = Task.Run(() => AcceptAsync(body));
        }

        public Uri Address { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync(string body)
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(() => ServeAsync(socket, body));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // stopped
            }
        }

        private static async Task ServeAsync(TcpClient socket, string body)
        {
            using (socket)
            {
                var stream = socket.GetStream();
                var buffer = new byte[16 << 20]; // larger than any request these tests send
                int filled = 0;
                try
                {
                    while (true)
                    {
                        int end;
                        while ((end = IndexOfHeaderEnd(buffer.AsSpan(0, filled))) < 0)
                        {
                            int read = await stream.ReadAsync(buffer.AsMemory(filled));
                            if (read == 0)
                            {
                                return;
                            }

                            filled += read;
                        }

                        string head = Encoding.ASCII.GetString(buffer, 0, end);
                        int length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                            .Select(l => int.Parse(l[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                        int total = end + 4 + length;
                        while (filled < total)
                        {
                            filled += await stream.ReadAsync(buffer.AsMemory(filled));
                        }

                        string answer = head.Contains(" /ping ", StringComparison.Ordinal) ? "{\n  \"status\": \"Healthy\"\n}\n" : body;
                        byte[] payload = Encoding.UTF8.GetBytes(answer);
                        byte[] response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\n\r\n");
                        await stream.WriteAsync(response);
                        await stream.WriteAsync(payload);
                        Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
                        filled -= total;
                    }
                }
                catch (IOException)
                {
                    // client went away
                }
            }
        }

        private static int IndexOfHeaderEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);
    }
}
