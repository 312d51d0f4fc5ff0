using System.Text.Json;
using Google.Protobuf;
using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Protos.TorchServe;

namespace ServingBench.Tests.Emulators;

/// <summary>With stock handlers on (the serve verb's default), files get TorchServe's postprocessed JSON answers.</summary>
public sealed class TorchServeDefaultHandlerTests : IAsyncLifetime
{
    private RunningEmulators _servers = null!;

    public async Task InitializeAsync() =>
        _servers = await EmulatedServers.StartAsync(new EmulatorOptions { TorchServeDefaultHandlers = true }, [Framework.TorchServe]);

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task Jpeg_Gets_Top5_Labels_With_Two_Space_Indent()
    {
        string body = await PostFileAsync(PayloadKind.Resnet50Jpeg, "resnet50", "image/jpeg");
        Assert.StartsWith("{\n  \"", body);
        using var document = JsonDocument.Parse(body);
        var entries = document.RootElement.EnumerateObject().ToList();
        Assert.Equal(5, entries.Count);
        Assert.All(entries, e => Assert.Contains(e.Name, ImageNetLabels.All));
        Assert.True(entries.Select(e => e.Value.GetDouble()).SequenceEqual(entries.Select(e => e.Value.GetDouble()).OrderDescending()));
    }

    [Fact]
    public async Task Wav_Gets_A_Transcript_And_Text_A_Summary()
    {
        using var transcript = JsonDocument.Parse(await PostFileAsync(PayloadKind.Wav2Vec2Audio, "wav2vec2", "audio/wav"));
        Assert.Equal(JsonValueKind.String, transcript.RootElement.GetProperty("transcript").ValueKind);
        using var summary = JsonDocument.Parse(await PostFileAsync(PayloadKind.BartText, "bart", "text/plain"));
        Assert.False(string.IsNullOrWhiteSpace(summary.RootElement.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task Grpc_Prediction_Carries_The_Same_Json()
    {
        using var channel = GrpcInferenceClient.CreateChannel(_servers.Address(Framework.TorchServe, Protocol.Grpc));
        var client = new InferenceAPIsService.InferenceAPIsServiceClient(channel);
        var jpeg = PayloadFactory.Get(PayloadKind.Resnet50Jpeg).FileRequest!.Inputs[0].GetBytesElements()[0];
        var response = await client.PredictionsAsync(new PredictionsRequest { ModelName = "resnet50", Input = { ["data"] = ByteString.CopyFrom(jpeg.Span) } });
        Assert.Equal(await PostFileAsync(PayloadKind.Resnet50Jpeg, "resnet50", "image/jpeg"), response.Prediction.ToStringUtf8());
    }

    private async Task<string> PostFileAsync(PayloadKind kind, string model, string contentType)
    {
        var file = PayloadFactory.Get(kind).FileRequest!.Inputs[0].GetBytesElements()[0];
        using var http = new HttpClient();
        using var content = new ReadOnlyMemoryContent(file);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await http.PostAsync(new Uri(_servers.Address(Framework.TorchServe, Protocol.Rest), "predictions/" + model), content);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return body;
    }
}
