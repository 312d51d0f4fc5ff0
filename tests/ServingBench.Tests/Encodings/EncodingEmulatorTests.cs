using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Triton;
using ServingBench.Payloads.Catalogue;
using ServingBench.Tests.Clients;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Compression;

namespace ServingBench.Tests.Encodings;

/// <summary>The emulators started as the compressed cells assume (gRPC answers gzip), with a small cap on inflated gRPC messages.</summary>
public sealed class CompressingEmulatorFixture : IAsyncLifetime
{
    public const long InflateCap = 8L * 1024 * 1024;

    public RunningEmulators Servers { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await EmulatedServers.StartAsync(new EmulatorOptions { GrpcAnswerCompression = BodyCompression.GzipDefault, MaxInflatedGrpcBytes = InflateCap });
        _ = PayloadFactory.All;
    }

    public Task DisposeAsync() => Servers.DisposeAsync().AsTask();
}

/// <summary>Every encoding cell end to end against its emulator, and each server's own answer to compressed bodies.</summary>
public sealed class EncodingEmulatorTests(CompressingEmulatorFixture fixture) : IClassFixture<CompressingEmulatorFixture>
{
    public static TheoryData<string, string> Cells() => EncodingCellTests.Cells();

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Client_Gets_The_Canned_Answer_Through_The_Cell(string scenarioName, string payloadName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        using var client = await InferenceClients.ConnectAsync(scenario, payload.Model, fixture.Servers.Address(scenario.Framework, scenario.Protocol));

        var response = await client.InferAsync(payload.RequestFor(scenario));

        ClientEmulatorMatrixTests.AssertSameOutputs(payload.Response, response);
    }

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate;q=0.5, gzip", "gzip")]
    [InlineData("gzip;q=0.2, deflate;q=0.9", "deflate")]
    [InlineData("br", null)]
    [InlineData("identity, gzip;q=0.5", null)]
    public async Task Triton_Answers_In_The_Coding_Accept_Encoding_Prefers(string acceptEncoding, string? expected)
    {
        Assert.Equal(expected, TritonEmulator.AnswerCoding(acceptEncoding)?.Token);
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        var body = Encode(ScenarioCatalog.TritonRestJson, payload);
        using var http = new HttpClient { BaseAddress = fixture.Servers.Address(Framework.Triton, Protocol.Rest) };
        using var content = new ByteArrayContent(Compress(body, CompressionAlgorithm.Gzip));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var message = new HttpRequestMessage(HttpMethod.Post, "v2/models/bart/infer") { Content = content };
        message.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await http.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
    }

    /// <summary>TorchServe's Netty pipeline has no decompressor: the custom handler gets the gzip bytes and refuses them as a raw body.</summary>
    [Fact]
    public async Task TorchServe_Hands_A_Gzip_Body_To_Its_Handler_As_Sent()
    {
        var tensor = PayloadFactory.Get(PayloadKind.Resnet50Tensor).TensorRequest.Inputs[0].Data.ToArray();
        using var response = await PostCompressedAsync(Framework.TorchServe, "predictions/resnet50", tensor, CompressionAlgorithm.Gzip, "application/octet-stream");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("raw body", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>TF Serving inflates gzip only: a deflate body reaches its JSON parser as sent.</summary>
    [Fact]
    public async Task TfServing_Reads_A_Deflate_Body_As_Sent()
    {
        var body = Encode(ScenarioCatalog.TfServingRestJsonCol, PayloadFactory.Get(PayloadKind.BartText));
        using var response = await PostCompressedAsync(Framework.TfServing, "v1/models/bart:predict", body, CompressionAlgorithm.Deflate, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Triton answers a coding it does not know as its HTTP server does: 501, naming the codings it takes.</summary>
    [Fact]
    public async Task Triton_Refuses_An_Unknown_Coding()
    {
        using var http = new HttpClient { BaseAddress = fixture.Servers.Address(Framework.Triton, Protocol.Rest) };
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentEncoding.Add("br");

        using var response = await http.PostAsync("v2/models/bart/infer", content);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("gzip, deflate", string.Join(", ", response.Headers.GetValues("Accept-Encoding")));
    }

    /// <summary>A gzip message of zeros that inflates past the cap is refused as gRPC core refuses an oversized message, before it is all inflated.</summary>
    [Theory]
    [InlineData(Framework.Triton)]
    [InlineData(Framework.TfServing)]
    [InlineData(Framework.TorchServe)]
    public async Task Grpc_Message_That_Inflates_Past_The_Cap_Is_Refused(Framework framework)
    {
        var scenario = new Scenario(framework, Protocol.Grpc, Encoding.Raw, new BodyCompression(CompressionAlgorithm.Gzip, CompressionLevel.Fastest));
        using var channel = GrpcInferenceClient.CreateChannel(fixture.Servers.Address(framework, Protocol.Grpc), scenario.Compression);
        var method = RawGrpc.ClientMethod(framework switch
        {
            Framework.Triton => GrpcServices.TritonService,
            Framework.TfServing => GrpcServices.TfPredictionService,
            _ => GrpcServices.TorchServeInference,
        }, framework switch { Framework.Triton => "ModelInfer", Framework.TfServing => "Predict", _ => "Predictions" });
        byte[] zeros = new byte[CompressingEmulatorFixture.InflateCap + 1024 * 1024];
        var headers = new Metadata { { GrpcInferenceClient.RequestEncodingHeader, "gzip" } };

        var refused = await Assert.ThrowsAsync<ServingException>(() =>
            GrpcInferenceClient.CallAsync(channel.CreateCallInvoker(), method, zeros, CancellationToken.None, headers));

        Assert.Equal(StatusCode.ResourceExhausted, refused.GrpcStatus);
    }

    [Fact]
    public void Client_Inflates_An_Answer_Only_Up_To_Its_Cap()
    {
        byte[] bomb = Compress(new byte[4 * 1024 * 1024], CompressionAlgorithm.Gzip);
        using var inflated = new PooledBufferWriter(new BufferPool());
        var refused = Assert.Throws<WireFormatException>(() => ContentCoding.Decompress(bomb, CompressionAlgorithm.Gzip, 1024 * 1024, inflated));
        Assert.Contains("inflates past the limit", refused.Message, StringComparison.Ordinal);
        Assert.InRange(inflated.WrittenCount, 1024 * 1024, 1024 * 1024 + 64 * 1024 + 1);
    }

    private async Task<HttpResponseMessage> PostCompressedAsync(Framework framework, string path, byte[] body, CompressionAlgorithm algorithm, string contentType)
    {
        using var http = new HttpClient { BaseAddress = fixture.Servers.Address(framework, Protocol.Rest) };
        using var content = new ByteArrayContent(Compress(body, algorithm));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Headers.ContentEncoding.Add(BodyCompression.TokenOf(algorithm));
        return await http.PostAsync(path, content);
    }

    private static byte[] Encode(Scenario scenario, Payload payload)
    {
        using var body = new PooledBufferWriter(new BufferPool());
        WireCodecs.Create(scenario, ModelCatalog.Get(payload.Model.Name).Signature).EncodeRequest(payload.RequestFor(scenario), body);
        return body.ToArray();
    }

    private static byte[] Compress(byte[] body, CompressionAlgorithm algorithm)
    {
        using var compressed = new PooledBufferWriter(new BufferPool());
        new BodyCompression(algorithm, CompressionLevel.Fastest).Compress(body, compressed);
        return compressed.ToArray();
    }
}
