using System.Globalization;
using System.Net;
using System.Text.Json;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Compression;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>A REST (HTTP/1.1) client for one scenario and model over one pooled <see cref="HttpClient"/>.</summary>
public sealed class RestInferenceClient : IInferenceClient
{
    /// <summary>A compressed answer may inflate to at most this many bytes (a hostile or broken server cannot fill memory).</summary>
    public const long InflatedAnswerLimit = 256L * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly IWireCodec _codec;
    private readonly Uri _inferUri;

    // This client's request and answer buffers, apart from any server's in the same process.
    private readonly BufferPool _buffers = new();

    // The scenario's request compression; its token also goes in Accept-Encoding, asking for the answer in kind.
    private readonly BodyCompression? _compression;

    private RestInferenceClient(HttpClient http, Scenario scenario, ModelSignature model, string modelName)
    {
        _http = http;
        Scenario = scenario;
        Model = model;
        ModelName = modelName;
        _codec = WireCodecs.Create(scenario, model);
        _inferUri = new Uri(http.BaseAddress!, InferPath(scenario.Framework, modelName));
        _compression = scenario.Compression;
    }

    public Scenario Scenario { get; }

    public ModelSignature Model { get; }

    public string ModelName { get; }

    /// <summary>The pool this client's request and answer buffers come from (for tests).</summary>
    internal BufferPool Buffers => _buffers;

    /// <summary>Where inference requests go: the server's address and the framework's path for the model.</summary>
    public Uri InferUri => _inferUri;

    /// <summary>Connects and reads the model's signature from the server's metadata endpoint.</summary>
    public static async Task<RestInferenceClient> ConnectAsync(
        Scenario scenario, Uri address, string modelName, ModelSignature catalogueModel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalogueModel);
        var http = CreateHttpClient(address);
        try
        {
            var model = await RestMetadata.FetchAsync(http, scenario.Framework, modelName, catalogueModel, cancellationToken).ConfigureAwait(false);
            return new RestInferenceClient(http, scenario, model, modelName);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>One pooled connection set per target; HTTP/1.1 as the frameworks' REST APIs speak it.</summary>
    public static HttpClient CreateHttpClient(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = int.MaxValue,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        return new HttpClient(handler)
        {
            BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/"),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public async Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default)
    {
        var prepared = ClientRequests.Prepare(request, Scenario, Model, ModelName);
        using var body = new PooledBufferWriter(_buffers, 64 * 1024);
        var content = _codec.EncodeRequest(prepared, body);
        using var compressed = Compress(body);
        using var message = new HttpRequestMessage(HttpMethod.Post, _inferUri)
        {
            Content = new ReadOnlyMemoryContent((compressed ?? body).WrittenMemory),
        };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", content.ContentType);
        if (content.InferenceHeaderLength is int headerLength)
        {
            message.Headers.TryAddWithoutValidation(WireContent.InferenceHeaderLengthName, headerLength.ToString(CultureInfo.InvariantCulture));
        }

        if (_compression is not null)
        {
            message.Content.Headers.TryAddWithoutValidation("Content-Encoding", _compression.Token);
            message.Headers.TryAddWithoutValidation("Accept-Encoding", _compression.Token);
        }

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ErrorFrom(response.StatusCode, bytes, _inferUri);
        }

        try
        {
            return _codec.DecodeResponse(Inflate(bytes, response), ResponseContent(response));
        }
        catch (WireFormatException ex)
        {
            throw ServingException.UnexpectedAnswer($"{(int)response.StatusCode} {response.StatusCode}", _inferUri.AbsolutePath, Scenario, ex, bytes, (int)response.StatusCode);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The whole HTTP/1.1 message <see cref="InferAsync"/> sends for <paramref name="request"/> (request line, the
    /// headers <see cref="HttpClient"/> writes, body), for a sender that replays fixed bytes as wrk does.
    /// </summary>
    public byte[] EncodeHttpMessage(InferenceRequest request)
    {
        var prepared = ClientRequests.Prepare(request, Scenario, Model, ModelName);
        using var plain = new PooledBufferWriter(_buffers, 64 * 1024);
        var content = _codec.EncodeRequest(prepared, plain);
        using var compressed = Compress(plain);
        var body = compressed ?? plain;
        var head = new System.Text.StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {_inferUri.PathAndQuery} HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {_inferUri.Authority}\r\n");
        if (content.InferenceHeaderLength is int headerLength)
        {
            head.Append(CultureInfo.InvariantCulture, $"{WireContent.InferenceHeaderLengthName}: {headerLength}\r\n");
        }

        if (_compression is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Encoding: {_compression.Token}\r\nAccept-Encoding: {_compression.Token}\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Type: {content.ContentType}\r\nContent-Length: {body.WrittenCount}\r\n\r\n");
        string headText = head.ToString();
        byte[] message = new byte[System.Text.Encoding.ASCII.GetByteCount(headText) + body.WrittenCount];
        int written = System.Text.Encoding.ASCII.GetBytes(headText, message);
        body.WrittenMemory.Span.CopyTo(message.AsSpan(written));
        return message;
    }

    public static string InferPath(Framework framework, string modelName, string? version = null)
    {
        string model = Uri.EscapeDataString(modelName);
        return framework switch
        {
            Framework.TfServing => version is null ? $"v1/models/{model}:predict" : $"v1/models/{model}/versions/{version}:predict",
            Framework.TorchServe => version is null ? $"predictions/{model}" : $"predictions/{model}/{version}",
            Framework.Triton => version is null ? $"v2/models/{model}/infer" : $"v2/models/{model}/versions/{version}/infer",
            _ => throw new ArgumentOutOfRangeException(nameof(framework)),
        };
    }

    /// <summary>The encoded body compressed as the scenario says, in a buffer of its own; null when the scenario compresses nothing.</summary>
    private PooledBufferWriter? Compress(PooledBufferWriter body)
    {
        if (_compression is null)
        {
            return null;
        }

        var compressed = new PooledBufferWriter(_buffers, body.WrittenCount / 2 + 1024);
        _compression.Compress(body.WrittenSpan, compressed);
        return compressed;
    }

    /// <summary>The answer as its codec reads it: inflated when the server set a Content-Encoding the client knows.</summary>
    private byte[] Inflate(byte[] bytes, HttpResponseMessage response)
    {
        var encoding = response.Content.Headers.ContentEncoding;
        if (encoding.Count == 0 || !ContentCoding.TryParse(encoding.Last(), out var algorithm))
        {
            return bytes;
        }

        using var inflated = new PooledBufferWriter(_buffers, bytes.Length * 4 + 1024);
        ContentCoding.Decompress(bytes, algorithm, InflatedAnswerLimit, inflated);
        return inflated.ToArray();
    }

    internal static WireContent ResponseContent(HttpResponseMessage response)
    {
        string contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        int? headerLength = null;
        if (response.Headers.TryGetValues(WireContent.InferenceHeaderLengthName, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
        {
            headerLength = parsed;
        }

        return new WireContent(contentType, headerLength);
    }

    /// <summary>The server's message from TF/Triton <c>{"error"}</c> or TorchServe <c>{"code","type","message"}</c>, else the text.</summary>
    internal static ServingException ErrorFrom(HttpStatusCode status, byte[] body, Uri uri)
    {
        string text = System.Text.Encoding.UTF8.GetString(body);
        string serverMessage = text.Trim();
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    serverMessage = error.GetString() ?? serverMessage;
                }
                else if (document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    serverMessage = message.GetString() ?? serverMessage;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, an empty body): the text itself is the message.
        }

        return new ServingException($"{(int)status} from {uri.AbsolutePath}: {serverMessage}", (int)status, null, serverMessage);
    }
}
