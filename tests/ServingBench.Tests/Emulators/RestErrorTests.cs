using System.Net;
using System.Text.Json;
using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Hosting;
using Encoding = System.Text.Encoding;

namespace ServingBench.Tests.Emulators;

/// <summary>Each REST error case with the framework's status code and body format, plus the health and metadata routes.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class RestErrorTests(EmulatorFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    // Each server's own body: TF Serving's pretty JSON, Triton's compact JSON, TorchServe's Gson with a newline.
    [Theory]
    [InlineData(Framework.TfServing, "v1/models/nope:predict", "{\"instances\": [1.0]}", "application/json", "{\n    \"error\": \"Servable not found for request: Latest(nope)\"\n}")]
    [InlineData(Framework.Triton, "v2/models/nope/infer", "{\"inputs\":[]}", "application/json", "{\"error\":\"Request for unknown model: 'nope' is not found\"}")]
    [InlineData(Framework.TorchServe, "predictions/nope", "hello", "text/plain", "{\n  \"code\": 404,\n  \"type\": \"ModelNotFoundException\",\n  \"message\": \"Model not found: nope\"\n}\n")]
    public async Task Unknown_Model_Is_404_With_The_Servers_Error_Body(Framework framework, string path, string request, string contentType, string expected)
    {
        var (status, body, _) = await PostAsync(framework, path, request, contentType);
        Assert.Equal((404, expected), (status, body));
    }

    [Theory]
    [InlineData("v1/models/resnet50/versions/7:predict", "{\"instances\": [1.0]}", 404, "Specific(resnet50, 7)")] // names the specific request
    [InlineData("v1/models/bart:predict", "{\"signature_name\": \"other\", \"instances\": [[1, 2]]}", 400, "other")] // unknown signature
    public async Task TfServing_Refusal_Names_What_It_Refused(string path, string request, int expectedStatus, string named)
    {
        var (status, body, _) = await PostAsync(Framework.TfServing, path, request, "application/json");
        Assert.Equal(expectedStatus, status);
        Assert.Contains(named, ErrorOf(body));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"instances\": [[1.0, 2.0]]}")]
    [InlineData("{\"inputs\": {\"pixel_values\": \"text\"}}")]
    [InlineData("{\"signature\": 1}")]
    public async Task TfServing_Bad_Predict_Body_Is_400_With_Error(string json)
    {
        var (status, body, _) = await PostAsync(Framework.TfServing, "v1/models/resnet50:predict", json, "application/json");
        Assert.Equal(400, status);
        Assert.False(string.IsNullOrWhiteSpace(ErrorOf(body)));
    }

    [Fact]
    public async Task TfServing_Status_And_Metadata_Publish_Version_And_Signature()
    {
        var (status, body, _) = await GetAsync(Framework.TfServing, "v1/models/resnet50");
        Assert.Equal(200, status);
        Assert.Contains("\"state\": \"AVAILABLE\"", body);
        (status, body, _) = await GetAsync(Framework.TfServing, "v1/models/wav2vec2/metadata");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        var input = document.RootElement.GetProperty("metadata").GetProperty("signature_def").GetProperty("signature_def")
            .GetProperty("serving_default").GetProperty("inputs").GetProperty("input_values");
        Assert.Equal("DT_FLOAT", input.GetProperty("dtype").GetString());
    }

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"input_ids\",", "malformed JSON")]
    [InlineData("{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "wrong datatype")]
    [InlineData("{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,3],\"datatype\":\"INT64\",\"data\":[1,2]}]}", "data/shape mismatch")]
    [InlineData("{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,2,1],\"datatype\":\"INT64\",\"data\":[1,2]}]}", "wrong rank")]
    [InlineData("{\"inputs\":[{\"name\":\"other\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[1,2]}]}", "unknown input")]
    public async Task Triton_Bad_Infer_Body_Is_400_With_Error(string json, string why)
    {
        var (status, body, _) = await PostAsync(Framework.Triton, "v2/models/bart/infer", json, "application/json");
        Assert.True(status == 400, $"{why}: got {status} {body}");
        Assert.False(string.IsNullOrWhiteSpace(ErrorOf(body)), why);
    }

    [Fact]
    public async Task Triton_And_TfServing_Accept_Gzip_Request_Bodies()
    {
        string json = "{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[5,6]}]}";
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        using var content = new ByteArrayContent(packed.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        using var response = await _http.PostAsync(Url(Framework.Triton, "v2/models/bart/infer"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("output_ids", await response.Content.ReadAsStringAsync());

        using var garbage = new ByteArrayContent([1, 2, 3, 4]);
        garbage.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        using var refused = await _http.PostAsync(Url(Framework.TfServing, "v1/models/bart:predict"), garbage);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Triton_Truncated_Binary_Body_Is_400()
    {
        string header = "{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"parameters\":{\"binary_data_size\":16}}]}";
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        byte[] body = [.. headerBytes, .. new byte[8]];
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(Framework.Triton, "v2/models/bart/infer")) { Content = content };
        request.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(ErrorOf(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task Triton_Health_Server_And_Model_Routes_Answer()
    {
        var (status, body, length) = await GetAsync(Framework.Triton, "v2/health/ready");
        Assert.Equal(200, status);
        Assert.Equal(0, length);
        Assert.Equal(string.Empty, body);
        Assert.Equal(200, (await GetAsync(Framework.Triton, "v2/health/live")).Status);
        Assert.Contains("binary_tensor_data", (await GetAsync(Framework.Triton, "v2")).Body);
        Assert.Equal(200, (await GetAsync(Framework.Triton, "v2/models/resnet50/versions/1/ready")).Status);
        Assert.Equal(400, (await GetAsync(Framework.Triton, "v2/models/nope/ready")).Status);
        Assert.Contains("\"name\":\"pixel_values\",\"datatype\":\"FP32\",\"shape\":[-1,3,224,224]", (await GetAsync(Framework.Triton, "v2/models/resnet50")).Body);
        Assert.Contains("TYPE_INT64", (await GetAsync(Framework.Triton, "v2/models/bart/config")).Body);
        var (notFound, notFoundBody, _) = await GetAsync(Framework.Triton, "v2/nothing/here");
        Assert.Equal(404, notFound);
        Assert.Equal("{\"error\":\"Not Found\"}", notFoundBody);
    }

    [Fact]
    public async Task TorchServe_Refuses_Bodies_Over_Its_Request_Size_Limit()
    {
        using var content = new ByteArrayContent(new byte[EmulatorOptions.TorchServeMaxRequestSize + 1]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var response = await _http.PostAsync(Url(Framework.TorchServe, "predictions/resnet50"), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(413, document.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task TorchServe_Body_That_Fits_No_Input_Is_400()
    {
        using var content = new ByteArrayContent(new byte[] { 0, 1, 2 });
        content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var response = await _http.PostAsync(Url(Framework.TorchServe, "predictions/resnet50"), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("BadRequestException", document.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task TorchServe_Ping_And_Management_Models()
    {
        var (status, body, _) = await GetAsync(Framework.TorchServe, "ping");
        Assert.Equal(200, status);
        Assert.Equal("{\n  \"status\": \"Healthy\"\n}\n", body);
        string models = await _http.GetStringAsync(new Uri(fixture.Servers.Address(EndpointRole.Management), "models"));
        Assert.Contains("\"modelName\": \"wav2vec2\"", models);
        var (missing, _, _) = await GetAsync(Framework.TorchServe, "nothing");
        Assert.Equal(404, missing);
    }

    [Fact]
    public async Task TorchServe_Full_Queue_Answers_503_And_Never_Hangs()
    {
        var options = new EmulatorOptions { Backend = new SlowBackend(TimeSpan.FromMilliseconds(400)), TorchServeWorkers = 1, TorchServeQueueSize = 1 };
        await using var servers = await EmulatedServers.StartAsync(options, [Framework.TorchServe]);
        var address = new Uri(servers.Address(Framework.TorchServe, Protocol.Rest), "predictions/bart");
        byte[] text = Encoding.UTF8.GetBytes("A short article to summarise.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var calls = Enumerable.Range(0, 6).Select(async _ =>
        {
            using var content = new ByteArrayContent(text);
            content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
            using var response = await _http.PostAsync(address, content, timeout.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }).ToArray();
        var results = await Task.WhenAll(calls);
        Assert.Contains(results, r => r.Item1 == 200);
        var refused = Assert.Single(results.Where(r => r.Item1 == 503).Take(1));
        Assert.Contains("ServiceUnavailableException", refused.Item2);
        Assert.All(results, r => Assert.True(r.Item1 is 200 or 503, r.Item2));
    }

    private Uri Url(Framework framework, string path) => new(fixture.Servers.Address(framework, Protocol.Rest), path);

    private async Task<(int Status, string Body, long? Length)> PostAsync(Framework framework, string path, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _http.PostAsync(Url(framework, path), content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentLength);
    }

    private async Task<(int Status, string Body, long? Length)> GetAsync(Framework framework, string path)
    {
        using var response = await _http.GetAsync(Url(framework, path));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentLength);
    }

    private static string ErrorOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("error").GetString()!;
    }

    /// <summary>The canned answer after a delay: keeps workers busy so the queue fills.</summary>
    private sealed class SlowBackend(TimeSpan delay) : IInferenceBackend
    {
        private readonly CannedBackend _canned = new();

        public string Name => "slow";

        public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return await _canned.InferAsync(model, request, cancellationToken);
        }
    }
}
