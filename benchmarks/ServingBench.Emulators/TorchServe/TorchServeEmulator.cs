using System.Text.Json;
using Grpc.Core;
using ServingBench.Emulators.Batching;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Statistics;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Compression;

namespace ServingBench.Emulators.TorchServe;

/// <summary>
/// TorchServe: inference REST on 8080 (<c>/ping</c>, <c>/predictions/{m}[/{v}]</c>), management REST on 8081
/// (<c>/models</c>), gRPC inference on 7070 (Ping, Predictions), and the metrics API on 8082 (<c>/metrics</c>, as with
/// <c>metrics_mode=prometheus</c>). Bodies over max_request_size are refused, and a bounded job queue per model
/// answers 503 (gRPC INTERNAL, as TorchServe does) when full. Each job is timed from its arrival in the queue: the wait
/// for a worker is its queue latency, and arrival to answer its inference latency.
/// </summary>
public sealed class TorchServeEmulator : IDisposable
{
    public const int DefaultRestPort = 8080;
    public const int DefaultManagementPort = 8081;
    public const int DefaultGrpcPort = 7070;
    public const int DefaultMetricsPort = 8082;
    public const string ServedVersion = "1.0";
    public const string HealthyJson = "{\n  \"status\": \"Healthy\"\n}\n";

    /// <summary>HttpServerCodec's defaults, which TorchServe keeps: a 4,096-byte request line and 8,192 bytes of headers.</summary>
    private static readonly (int RequestLine, int Headers) NettyRequestHeadLimits = (4096, 8192);

    private readonly EmulatorOptions _options;
    private readonly ServedModels _models;
    private readonly Dictionary<string, BoundedJobQueue> _queues;
    private readonly TorchServeStatistics _statistics;
    private readonly BatchingScheduler? _batching;

    // This server's buffers (request bodies, encoded answers), apart from any client's in the same process.
    private readonly BufferPool _buffers = new();

    public TorchServeEmulator(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _models = new ServedModels(options.Models);
        int batchSize = options.TorchServeBatching?.MaxBatchSize ?? 1;
        _queues = options.Models.ToDictionary(m => m.Name, _ => new BoundedJobQueue(options.TorchServeWorkers, options.TorchServeQueueSize, batchSize));
        _statistics = new TorchServeStatistics(options.Models.Select(m => m.Name));

        // TorchServe's batch_size counts requests (each request is one item of the handler's batch), and a batch
        // holds one worker of the model while it runs.
        _batching = options.TorchServeBatching is { } policy
            ? new BatchingScheduler(policy, options.Backend, (model, cancellation) => _queues[model].EnterWorkerAsync(cancellation), _ => 1)
            : null;
    }

    public IEnumerable<ListenerSpec> Listeners()
    {
        yield return new ListenerSpec("torchserve", Framework.TorchServe, EndpointRole.Rest, DefaultRestPort)
        {
            Rest = context => RestErrors.GuardAsync(context, HandleInferenceAsync, WriteErrorAsync, _options.ErrorLog, "torchserve"),
            MalformedRequest = UnparsableRequestAnswer(),
            MaxRequestHeadBytes = NettyRequestHeadLimits,
        };
        yield return new ListenerSpec("torchserve", Framework.TorchServe, EndpointRole.Management, DefaultManagementPort)
        {
            Rest = context => RestErrors.GuardAsync(context, HandleManagementAsync, WriteErrorAsync, _options.ErrorLog, "torchserve management"),
            MalformedRequest = UnparsableRequestAnswer(),
            MaxRequestHeadBytes = NettyRequestHeadLimits,
        };
        yield return new ListenerSpec("torchserve", Framework.TorchServe, EndpointRole.Grpc, DefaultGrpcPort)
        {
            // TorchServe reports every failure of a unary call as INTERNAL with the exception's message.
            Grpc = new GrpcMethodTable(_buffers)
                .Add(GrpcServices.TorchServeInference, "Ping", GrpcErrors.Guard(PingGrpcAsync, GrpcStatusOf, _options.ErrorLog, "torchserve"))
                .Add(GrpcServices.TorchServeInference, "Predictions", GrpcErrors.Guard(PredictionsGrpcAsync, GrpcStatusOf, _options.ErrorLog, "torchserve")),
            MaxGrpcReceiveBytes = _options.TorchServeMaxRequestBytes,

            // grpc-java's default decompressor registry: gzip only; max_request_size holds for the inflated message too.
            GrpcCompression = new GrpcCompression([CompressionAlgorithm.Gzip], _options.TorchServeMaxRequestBytes),
        };
        yield return new ListenerSpec("torchserve", Framework.TorchServe, EndpointRole.Metrics, DefaultMetricsPort)
        {
            Rest = context => RestErrors.GuardAsync(context, HandleMetricsAsync, WriteErrorAsync, _options.ErrorLog, "torchserve metrics"),
            MalformedRequest = UnparsableRequestAnswer(),
            MaxRequestHeadBytes = NettyRequestHeadLimits,
        };
    }

    private Task HandleMetricsAsync(HttpContext context)
    {
        if (Segments(context.Request.Path.Value) is not ["metrics"])
        {
            throw NotFoundRoute();
        }

        RequireMethod(context.Request, HttpMethods.Get);
        return _statistics.WriteMetricsAsync(context.Response, context.RequestAborted);
    }

    public void Dispose()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }

    private static StatusCode GrpcStatusOf(ServerError error) => error.Kind switch
    {
        ErrorKind.TooLarge => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    private async Task HandleInferenceAsync(HttpContext context)
    {
        var request = context.Request;
        string[] segments = Segments(request.Path.Value);
        if (segments is ["ping"])
        {
            RequireMethod(request, HttpMethods.Get);
            await WriteTextAsync(context.Response, StatusCodes.Status200OK, HealthyJson).ConfigureAwait(false);
            return;
        }

        if (segments is ["predictions", _] or ["predictions", _, _])
        {
            if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method))
            {
                throw MethodNotAllowed();
            }

            string? version = segments.Length == 3 ? segments[2] : null;
            var model = Resolve(segments[1], version);
            await PredictRestAsync(context, model, version).ConfigureAwait(false);
            return;
        }

        throw NotFoundRoute();
    }

    private async Task PredictRestAsync(HttpContext context, ModelSignature model, string? version)
    {
        using var body = await HttpExchange.ReadBodyAsync(context.Request, _buffers, _options.TorchServeMaxRequestBytes, context.RequestAborted).ConfigureAwait(false);
        var content = HttpExchange.RequestContent(context.Request);
        bool json = content.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        var codec = _models.Codec(json ? ScenarioCatalog.TorchServeRestJson : ScenarioCatalog.TorchServeRestRaw, model);
        var result = await RunJobAsync(model, version, context.RequestAborted, async (timing, cancellationToken) =>
        {
            var decoded = codec.DecodeRequest(body.WrittenMemory, content);
            var response = await DecodedAsync(model, decoded, timing, cancellationToken).ConfigureAwait(false);
            if (!UsesDefaultHandler(model, decoded))
            {
                return Inference.Encode(response, codec, _buffers);
            }

            var answer = new PooledBufferWriter(_buffers, 1024);
            DefaultHandlers.WriteAnswer(model, response, answer);
            return (Content: WireContent.Json, Body: answer);
        }).ConfigureAwait(false);
        await HttpExchange.WriteAsync(context.Response, StatusCodes.Status200OK, result.Content, result.Body).ConfigureAwait(false);
    }

    private async Task<PooledBufferWriter> PredictionsGrpcAsync(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var reference = ModelReference.PeekNameAndVersion(request, "PredictionsRequest");
        var model = Resolve(reference.Name, reference.Version);
        var codec = _models.Codec(ScenarioCatalog.TorchServeGrpcRaw, model);
        string? version = string.IsNullOrEmpty(reference.Version) ? null : reference.Version;
        var result = await RunJobAsync(model, version, context.CancellationToken, async (timing, cancellationToken) =>
        {
            var decoded = codec.DecodeRequest(request, WireContent.Protobuf);
            var response = await DecodedAsync(model, decoded, timing, cancellationToken).ConfigureAwait(false);
            if (!UsesDefaultHandler(model, decoded))
            {
                return Inference.Encode(response, codec, _buffers);
            }

            // PredictionResponse.prediction carries the same bytes the REST API would send.
            using var answer = new PooledBufferWriter(_buffers, 1024);
            DefaultHandlers.WriteAnswer(model, response, answer);
            var message = new ServingBench.Wire.Protos.TorchServe.PredictionResponse { Prediction = Google.Protobuf.ByteString.CopyFrom(answer.WrittenSpan) };
            return (Content: WireContent.Protobuf, Body: PooledBodies.Wrap(_buffers, Google.Protobuf.MessageExtensions.ToByteArray(message)));
        }).ConfigureAwait(false);
        return result.Body;
    }

    /// <summary>
    /// One job through the model's queue, timed as TorchServe's frontend times it: from its arrival in the queue, the
    /// wait for a worker (queue latency), then the worker's decode, backend call and encode (inference latency runs to
    /// the encoded answer). A full queue refuses it (503). With batching the job decodes at once and its queue latency
    /// runs until its batch starts on a worker.
    /// </summary>
    private async Task<(WireContent Content, PooledBufferWriter Body)> RunJobAsync(
        ModelSignature model, string? version, CancellationToken cancellationToken,
        Func<RequestTiming, CancellationToken, Task<(WireContent Content, PooledBufferWriter Body)>> job)
    {
        _statistics.Received(model.Name, version);
        var timing = RequestTiming.Start();
        bool admitted;
        (WireContent Content, PooledBufferWriter Body) result;
        try
        {
            var queue = _queues[model.Name];
            (admitted, result) = _batching is null
                ? await queue.TryRunAsync(async () =>
                {
                    timing.Queued();
                    return await EncodedAsync().ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false)
                : await queue.TryAdmitAsync(EncodedAsync).ConfigureAwait(false);
        }
        catch
        {
            _statistics.Models[model.Name].RecordFailure(timing);
            throw;
        }

        if (!admitted)
        {
            _statistics.Models[model.Name].RecordFailure(timing);
            throw QueueFull(model.Name);
        }

        _statistics.Answered(model.Name, version, timing);
        return result;

        async Task<(WireContent Content, PooledBufferWriter Body)> EncodedAsync()
        {
            var answer = await job(timing, cancellationToken).ConfigureAwait(false);
            timing.Encoded();
            return answer;
        }
    }

    /// <summary>The decoded request through the backend: decode and engine marked on <paramref name="timing"/>.</summary>
    private async Task<InferenceResponse> DecodedAsync(ModelSignature model, InferenceRequest decoded, RequestTiming timing, CancellationToken cancellationToken)
    {
        timing.BatchSize = Inference.BatchSize(decoded);
        timing.Decoded();
        if (_batching is not null)
        {
            // The batch marks the queue (until it starts on a worker) and the engine on every request's timing.
            return await _batching.ScheduleAsync(model, ServedVersion, decoded, timing, cancellationToken).ConfigureAwait(false);
        }

        var response = await Inference.InferAsync(_options.Backend, model, decoded, ServedVersion, cancellationToken).ConfigureAwait(false);
        timing.Computed();
        return response;
    }

    /// <summary>A file (JPEG, WAV, text) goes to TorchServe's stock handler when the emulator runs them; tensors to the custom handler.</summary>
    private bool UsesDefaultHandler(ModelSignature model, InferenceRequest request) =>
        _options.TorchServeDefaultHandlers && Backends.RequestValidator.IsFileRequest(model, request);

    private Task<PooledBufferWriter> PingGrpcAsync(ReadOnlyMemory<byte> request, ServerCallContext context) =>
        Task.FromResult(PooledBodies.Wrap(_buffers, new ServingBench.Wire.Protos.TorchServe.TorchServeHealthResponse { Health = HealthyJson }));

    private async Task HandleManagementAsync(HttpContext context)
    {
        var request = context.Request;
        string[] segments = Segments(request.Path.Value);
        if (segments is ["models"])
        {
            RequireMethod(request, HttpMethods.Get);
            await HttpExchange.WriteJsonAsync(context.Response, _buffers, StatusCodes.Status200OK, writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("models");
                foreach (var model in _models.All)
                {
                    writer.WriteStartObject();
                    writer.WriteString("modelName", model.Name);
                    writer.WriteString("modelUrl", model.Name + ".mar");
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }, indent: 2, trailingNewline: true).ConfigureAwait(false);
            return;
        }

        if (segments is ["models", _] or ["models", _, _])
        {
            RequireMethod(request, HttpMethods.Get);
            var model = Resolve(segments[1], segments.Length == 3 ? segments[2] : null);
            var queue = _queues[model.Name];
            await HttpExchange.WriteJsonAsync(context.Response, _buffers, StatusCodes.Status200OK, writer => WriteDescription(writer, model, queue), indent: 2, trailingNewline: true)
                .ConfigureAwait(false);
            return;
        }

        throw NotFoundRoute();
    }

    private void WriteDescription(Utf8JsonWriter writer, ModelSignature model, BoundedJobQueue queue)
    {
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteString("modelName", model.Name);
        writer.WriteString("modelVersion", ServedVersion);
        writer.WriteString("modelUrl", model.Name + ".mar");
        writer.WriteString("runtime", "python");
        writer.WriteNumber("minWorkers", _options.TorchServeWorkers);
        writer.WriteNumber("maxWorkers", _options.TorchServeWorkers);
        writer.WriteNumber("batchSize", _options.TorchServeBatching?.MaxBatchSize ?? 1);
        writer.WriteNumber("maxBatchDelay", (long)(_options.TorchServeBatching?.MaxQueueDelay.TotalMilliseconds ?? 100));
        writer.WriteBoolean("loadedAtStartup", true);
        writer.WriteStartArray("workers");
        for (int i = 0; i < _options.TorchServeWorkers; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("id", (9000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("status", "READY");
            writer.WriteBoolean("gpu", false);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("jobQueueStatus");
        writer.WriteNumber("remainingCapacity", Math.Max(0, queue.QueueSize - queue.Pending));
        writer.WriteNumber("pendingRequests", queue.Pending);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private ModelSignature Resolve(string name, string? version)
    {
        var model = _models.Find(name) ?? throw new ServerError(ErrorKind.NotFound, $"Model not found: {name}", "ModelNotFoundException");
        if (version is not null && version.Length > 0 && version != ServedVersion)
        {
            throw new ServerError(ErrorKind.NotFound, $"Model version: {version} does not exist for model: {name}", "ModelVersionNotFoundException");
        }

        return model;
    }

    private static ServerError QueueFull(string model) => new(
        ErrorKind.Unavailable,
        $"Model \"{model}\" has no worker to serve inference request. Please use scale workers API to add workers.",
        "ServiceUnavailableException");

    private static ServerError NotFoundRoute() =>
        new(ErrorKind.NotFound, "Requested resource is not found, please refer to API document.", "ResourceNotFoundException");

    private static ServerError MethodNotAllowed() =>
        new(ErrorKind.MethodNotAllowed, "Requested method is not allowed, please refer to API document.", "MethodNotAllowedException");

    private static void RequireMethod(HttpRequest request, string method)
    {
        if (!string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase))
        {
            throw MethodNotAllowed();
        }
    }

    private static string[] Segments(string? path) =>
        [.. (path ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];

    private Task WriteErrorAsync(HttpResponse response, ServerError error) =>
        HttpExchange.WriteAsync(response, StatusOf(error), WireContent.Json, ErrorBody(error));

    private static int StatusOf(ServerError error) =>
        error.Kind == ErrorKind.Internal ? StatusCodes.Status500InternalServerError : error.HttpStatus;

    /// <summary>TorchServe's error body (NettyUtils.sendError): Gson pretty JSON, 2 spaces, trailing newline.</summary>
    private PooledBufferWriter ErrorBody(ServerError error)
    {
        int status = StatusOf(error);
        string type = error.TorchServeType ?? error.Kind switch
        {
            ErrorKind.InvalidArgument => "BadRequestException",
            ErrorKind.TooLarge => "TooLongFrameException",
            ErrorKind.NotFound => "ResourceNotFoundException",
            ErrorKind.Unavailable => "ServiceUnavailableException",
            _ => "InternalServerException",
        };
        return HttpExchange.Json(_buffers, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", status);
            writer.WriteString("type", type);
            writer.WriteString("message", error.Message);
            writer.WriteEndObject();
        }, indent: 2, trailingNewline: true);
    }

    /// <summary>
    /// Netty marks a request it cannot parse (a bad Content-Length, a header line without a colon, a request line or
    /// headers over HttpServerCodec's 4,096 / 8,192-byte limits) as failed, and HttpRequestHandler answers it as a
    /// BadRequestException, in the same body as every other error.
    /// </summary>
    private MalformedRequestAnswer UnparsableRequestAnswer()
    {
        using var body = ErrorBody(new ServerError(ErrorKind.InvalidArgument, "Invalid HTTP message."));
        return new MalformedRequestAnswer(WireContent.Json.ContentType, body.ToArray(), replacing: [400, 414, 431]);
    }

    private Task WriteTextAsync(HttpResponse response, int status, string json)
    {
        var body = PooledBodies.Wrap(_buffers, System.Text.Encoding.UTF8.GetBytes(json));
        return HttpExchange.WriteAsync(response, status, WireContent.Json, body);
    }
}
