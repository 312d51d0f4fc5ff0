using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Compression;
using ServingBench.Wire.Codecs.TfServing;
using ServingBench.Wire.Codecs.Triton;
using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>
/// A gRPC (HTTP/2) client for one scenario and model over one <see cref="GrpcChannel"/>; messages are raw bytes
/// handed to the codec (no generated classes on the hot path; the one metadata call at connect uses them).
/// </summary>
public sealed class GrpcInferenceClient : IInferenceClient
{
    private static readonly Method<RawMessage, RawMessage> TfPredict = RawGrpc.ClientMethod(GrpcServices.TfPredictionService, "Predict");
    private static readonly Method<RawMessage, RawMessage> TfMetadata = RawGrpc.ClientMethod(GrpcServices.TfPredictionService, "GetModelMetadata");
    private static readonly Method<RawMessage, RawMessage> TorchPredictions = RawGrpc.ClientMethod(GrpcServices.TorchServeInference, "Predictions");
    private static readonly Method<RawMessage, RawMessage> TorchPing = RawGrpc.ClientMethod(GrpcServices.TorchServeInference, "Ping");
    private static readonly Method<RawMessage, RawMessage> TritonInfer = RawGrpc.ClientMethod(GrpcServices.TritonService, "ModelInfer");
    private static readonly Method<RawMessage, RawMessage> TritonMetadata = RawGrpc.ClientMethod(GrpcServices.TritonService, "ModelMetadata");

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly IWireCodec _codec;
    private readonly Method<RawMessage, RawMessage> _infer;

    // This client's request buffers, apart from any server's in the same process.
    private readonly BufferPool _buffers = new();

    // A compressed scenario asks Grpc.Net to compress each request message with the channel's provider for this token.
    private readonly CallOptions _callOptions;

    private GrpcInferenceClient(GrpcChannel channel, Uri address, Scenario scenario, ModelSignature model, string modelName)
    {
        _channel = channel;
        Address = address;
        _invoker = channel.CreateCallInvoker();
        Scenario = scenario;
        Model = model;
        ModelName = modelName;
        _codec = WireCodecs.Create(scenario, model);
        _infer = InferMethod(scenario.Framework);
        _callOptions = scenario.Compression is { } compression
            ? new CallOptions(headers: new Metadata { { RequestEncodingHeader, compression.Token } })
            : default;
    }

    /// <summary>Grpc.Net's call header that names the provider to compress a request message with (sent as grpc-encoding).</summary>
    public const string RequestEncodingHeader = "grpc-internal-encoding-request";

    public Scenario Scenario { get; }

    public ModelSignature Model { get; }

    public string ModelName { get; }

    /// <summary>The server this client's channel calls.</summary>
    public Uri Address { get; }

    /// <summary>The inference method's path on the wire, <c>/package.Service/Method</c>.</summary>
    public string InferPath => _infer.FullName;

    public static async Task<GrpcInferenceClient> ConnectAsync(
        Scenario scenario, Uri address, string modelName, ModelSignature catalogueModel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(catalogueModel);
        var channel = CreateChannel(address, scenario.Compression);
        try
        {
            var invoker = channel.CreateCallInvoker();
            ModelSignature model;
            switch (scenario.Framework)
            {
                case Framework.TfServing:
                    var tf = await CallAsync(invoker, TfMetadata, TfServingControl.MetadataRequest(modelName), cancellationToken).ConfigureAwait(false);
                    model = TfServingControl.ReadSignature(tf.Span, modelName);
                    break;
                case Framework.Triton:
                    var triton = await CallAsync(invoker, TritonMetadata, TritonControl.MetadataRequest(modelName), cancellationToken).ConfigureAwait(false);
                    model = TritonControl.ReadSignature(triton.Span) with { Name = modelName };
                    break;
                default:
                    // TorchServe publishes no tensor metadata: ping, then use the catalogue's signature.
                    await CallAsync(invoker, TorchPing, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    model = catalogueModel with { Name = modelName };
                    break;
            }

            return new GrpcInferenceClient(channel, address, scenario, model, modelName);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>
    /// HTTP/2 (h2c for http://), no message-size caps: real payloads pass 4 MB (Grpc.Net's default). With
    /// <paramref name="compression"/>, the channel compresses requests with that algorithm and level (when a call asks
    /// for it) and still inflates gzip answers, the coding the servers compress theirs with.
    /// </summary>
    public static GrpcChannel CreateChannel(Uri address, BodyCompression? compression = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            CompressionProviders = compression is null ? null : CompressionProviders(compression),
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,

                // Answers can be hundreds of KB (Wav2Vec2 logits, echo floor): start past the 64 KB default window.
                InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                UseProxy = false,
            },
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
    }

    public async Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken = default)
    {
        var prepared = ClientRequests.Prepare(request, Scenario, Model, ModelName);
        var body = new PooledBufferWriter(_buffers, 64 * 1024);
        _codec.EncodeRequest(prepared, body);
        var response = await CallAsync(_invoker, _infer, body.WrittenMemory, cancellationToken, _callOptions.Headers).ConfigureAwait(false);

        // Only after a completed call is the request surely serialised; a failed one leaves its buffer to the GC.
        body.Dispose();
        try
        {
            return _codec.DecodeResponse(response, WireContent.Protobuf);
        }
        catch (WireFormatException ex)
        {
            throw ServingException.UnexpectedAnswer("OK", _infer.FullName, Scenario, ex, response.Span, null);
        }
    }

    /// <summary>
    /// The request message <see cref="InferAsync"/> sends for <paramref name="request"/> (without the gRPC length
    /// prefix): the lean load client sends these bytes on every call.
    /// </summary>
    public byte[] EncodeRequestMessage(InferenceRequest request)
    {
        var prepared = ClientRequests.Prepare(request, Scenario, Model, ModelName);
        using var body = new PooledBufferWriter(_buffers, 64 * 1024);
        _codec.EncodeRequest(prepared, body);
        return body.WrittenMemory.ToArray();
    }

    public void Dispose() => _channel.Dispose();

    /// <summary>One unary call of raw message bytes; an RpcException becomes a <see cref="ServingException"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>> CallAsync(
        CallInvoker invoker, Method<RawMessage, RawMessage> method, ReadOnlyMemory<byte> request, CancellationToken cancellationToken, Metadata? headers = null)
    {
        try
        {
            using var call = invoker.AsyncUnaryCall(method, null, new CallOptions(headers: headers, cancellationToken: cancellationToken), new RawMessage(request));
            return (await call.ResponseAsync.ConfigureAwait(false)).Bytes;
        }
        catch (RpcException ex)
        {
            throw new ServingException($"{ex.StatusCode} from {method.FullName}: {ex.Status.Detail}", null, ex.StatusCode, ex.Status.Detail, ex);
        }
    }

    /// <summary>The scenario's provider first (the one a call names), then gzip at its default for answers if that is another.</summary>
    private static List<ICompressionProvider> CompressionProviders(BodyCompression compression)
    {
        ICompressionProvider Provider(BodyCompression c) => c.Algorithm == CompressionAlgorithm.Gzip
            ? new GzipCompressionProvider(c.Level)
            : new DeflateCompressionProvider(c.Level);

        List<ICompressionProvider> providers = [Provider(compression)];
        if (compression.Algorithm != CompressionAlgorithm.Gzip)
        {
            providers.Add(Provider(BodyCompression.GzipDefault));
        }

        return providers;
    }

    private static Method<RawMessage, RawMessage> InferMethod(Framework framework) => framework switch
    {
        Framework.TfServing => TfPredict,
        Framework.TorchServe => TorchPredictions,
        Framework.Triton => TritonInfer,
        _ => throw new ArgumentOutOfRangeException(nameof(framework)),
    };
}
