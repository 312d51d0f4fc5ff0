using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using ServingBench.Emulators.Batching;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Statistics;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Codecs.Triton;
using ServingBench.Wire.Compression;
using ServingBench.Wire.Protos.Kserve;
using DataType = ServingBench.Wire.Tensors.DataType;

namespace ServingBench.Emulators.Triton;

/// <summary>
/// Triton (KServe v2): HTTP on 8000 (health, server and model metadata, ready, config, infer with JSON and the
/// binary tensor extension) and gRPC on 8001 (ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata,
/// ModelInfer: typed or raw in, raw out as Triton answers, ModelStatistics), the statistics extension over HTTP, and
/// the metrics port 8002 (<c>/metrics</c>). Every model is served as version "1". Each request is timed through its
/// stages (decode = compute_input, wait for a model instance = queue, backend = compute_infer, encode =
/// compute_output), and those times are what the statistics publish.
/// </summary>
public sealed class TritonEmulator(EmulatorOptions options)
{
    public const int DefaultHttpPort = 8000;
    public const int DefaultGrpcPort = 8001;
    public const int DefaultMetricsPort = 8002;
    public const string ServedVersion = "1";
    public const string ServerName = "triton";
    public const string ServerVersion = "2.59.0";
    public const string Platform = "onnxruntime_onnx";

    public static IReadOnlyList<string> Extensions { get; } =
    [
        "classification", "sequence", "model_repository", "schedule_policy", "model_configuration",
        "system_shared_memory", "cuda_shared_memory", "binary_tensor_data", "parameters", "statistics", "trace", "logging",
    ];

    private readonly ServedModels _models = new(options.Models);
    private readonly TritonStatistics _statistics = new(options.Models.Select(m => m.Name), ServedVersion);
    private readonly ModelInstances _instances = new(options.Models.Select(m => m.Name), options.InstancesPerModel);

    // This server's buffers (request bodies, encoded answers), apart from any client's in the same process.
    private readonly BufferPool _buffers = new();

    /// <summary>The pool this server's request and answer buffers come from (for tests).</summary>
    internal BufferPool Buffers => _buffers;

    // Triton's dynamic batcher counts rows and runs its batches on the model's instances (every request then goes through it).
    private readonly BatchingScheduler? _batching = BatchingScheduler.OnInstances(
        options.TritonDynamicBatching, options.Backend, options.Models.Select(m => m.Name), options.InstancesPerModel, TensorBatches.Rows);

    public IEnumerable<ListenerSpec> Listeners()
    {
        yield return new ListenerSpec("triton", Framework.Triton, EndpointRole.Rest, DefaultHttpPort)
        {
            Rest = context => RestErrors.GuardAsync(context, HandleRestAsync, WriteErrorAsync, options.ErrorLog, "triton"),
        };
        yield return new ListenerSpec("triton", Framework.Triton, EndpointRole.Grpc, DefaultGrpcPort)
        {
            Grpc = new GrpcMethodTable(_buffers)
                .Add(GrpcServices.TritonService, "ServerLive", Guard((_, _) => Flag(true)))
                .Add(GrpcServices.TritonService, "ServerReady", Guard((_, _) => Flag(true)))
                .Add(GrpcServices.TritonService, "ModelReady", Guard(ModelReadyGrpc))
                .Add(GrpcServices.TritonService, "ServerMetadata", Guard((_, _) => Message(new ServerMetadataResponse { Name = ServerName, Version = ServerVersion, Extensions = { Extensions } })))
                .Add(GrpcServices.TritonService, "ModelMetadata", Guard(ModelMetadataGrpc))
                .Add(GrpcServices.TritonService, "ModelConfig", Guard(ModelConfigGrpc))
                .Add(GrpcServices.TritonService, "ModelStatistics", Guard(ModelStatisticsGrpc))
                .Add(GrpcServices.TritonService, "ModelInfer", Guard(InferGrpcAsync)),
            GrpcCompression = GrpcCompression.GrpcCore(options),
        };
        yield return new ListenerSpec("triton", Framework.Triton, EndpointRole.Metrics, DefaultMetricsPort)
        {
            Rest = context => RestErrors.GuardAsync(context, HandleMetricsAsync, WriteErrorAsync, options.ErrorLog, "triton metrics"),
        };
    }

    /// <summary>The metrics port answers <c>GET /metrics</c> only.</summary>
    private Task HandleMetricsAsync(HttpContext context)
    {
        if (context.Request.Path.Value != "/metrics")
        {
            throw new ServerError(ErrorKind.NotFound, "Not Found");
        }

        RequireGet(HttpMethods.IsGet(context.Request.Method));
        return _statistics.WriteMetricsAsync(context.Response, context.RequestAborted);
    }

    private RawUnaryHandler Guard(RawUnaryHandler handler) => GrpcErrors.Guard(handler, e => e.GrpcStatus, options.ErrorLog, "triton");

    private async Task HandleRestAsync(HttpContext context)
    {
        var request = context.Request;
        string[] s = [.. (request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
        bool get = HttpMethods.IsGet(request.Method);
        switch (s)
        {
            case ["v2"]:
                RequireGet(get);
                await HttpExchange.WriteJsonAsync(context.Response, _buffers, StatusCodes.Status200OK, WriteServerMetadata, indent: 0).ConfigureAwait(false);
                return;
            case ["v2", "health", "live"] or ["v2", "health", "ready"]:
                RequireGet(get);
                await HttpExchange.WriteEmptyAsync(context.Response, StatusCodes.Status200OK).ConfigureAwait(false);
                return;
            case ["v2", "models", "stats"]:
                RequireGet(get);
                await WriteStatisticsAsync(context, _models.All).ConfigureAwait(false);
                return;
            case ["v2", "models", var name, .. var rest]:
                string? version = null;
                if (rest is ["versions", var v, ..])
                {
                    version = v;
                    rest = rest[2..];
                }

                await ModelRouteAsync(context, get, name, version, rest).ConfigureAwait(false);
                return;
            default:
                throw new ServerError(ErrorKind.NotFound, "Not Found");
        }
    }

    private async Task ModelRouteAsync(HttpContext context, bool get, string name, string? version, string[] rest)
    {
        switch (rest)
        {
            case []:
                RequireGet(get);
                await WriteModelJsonAsync(context, Resolve(name, version), WriteModelMetadata).ConfigureAwait(false);
                return;
            case ["ready"]:
                RequireGet(get);
                int status = IsReady(name, version) ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
                await HttpExchange.WriteEmptyAsync(context.Response, status).ConfigureAwait(false);
                return;
            case ["config"]:
                RequireGet(get);
                await WriteModelJsonAsync(context, Resolve(name, version), WriteConfig).ConfigureAwait(false);
                return;
            case ["stats"]:
                RequireGet(get);
                await WriteStatisticsAsync(context, [Resolve(name, version)]).ConfigureAwait(false);
                return;
            case ["infer"]:
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    throw new ServerError(ErrorKind.MethodNotAllowed, "Method Not Allowed");
                }

                await InferRestAsync(context, Resolve(name, version)).ConfigureAwait(false);
                return;
            default:
                throw new ServerError(ErrorKind.NotFound, "Not Found");
        }
    }

    /// <summary>A model's metadata or configuration as Triton's HTTP server answers it: 200, compact JSON.</summary>
    private Task WriteModelJsonAsync(HttpContext context, ModelSignature model, Action<Utf8JsonWriter, ModelSignature> write) =>
        HttpExchange.WriteJsonAsync(context.Response, _buffers, StatusCodes.Status200OK, w => write(w, model), indent: 0);

    private async Task InferRestAsync(HttpContext context, ModelSignature model)
    {
        using var body = await HttpExchange.ReadBodyAsync(context.Request, _buffers, options.MaxRestBodyBytes, context.RequestAborted, RequestCoding.GzipOrDeflate).ConfigureAwait(false);
        var content = HttpExchange.RequestContent(context.Request);
        var (responseContent, response) = await TimedAsync(model, context.RequestAborted, () =>
        {
            var requestCodec = _models.Codec(content.InferenceHeaderLength is null ? ScenarioCatalog.TritonRestJson : ScenarioCatalog.TritonRestBinary, model);
            var decoded = requestCodec.DecodeRequest(body.WrittenMemory, content);

            // Outputs travel binary only when the request asks (request-level binary_data_output or per output).
            bool binaryOut = decoded.Outputs.Any(o => o.Binary == true) || (decoded.BinaryDataOutput && decoded.Outputs.All(o => o.Binary != false));
            return (decoded, _models.Codec(binaryOut ? ScenarioCatalog.TritonRestBinary : ScenarioCatalog.TritonRestJson, model));
        }).ConfigureAwait(false);
        await HttpExchange.WriteAsync(context.Response, StatusCodes.Status200OK, responseContent, response, AnswerCoding(context.Request.Headers.AcceptEncoding.ToString()))
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Triton's CompressionTypeUsed (http_server.cc): of identity, deflate and gzip, the listed coding with the highest
    /// q (the first of equals; a malformed q is skipped), compressed at zlib's default level; identity or none: no coding.
    /// </summary>
    internal static BodyCompression? AnswerCoding(string acceptEncoding)
    {
        string chosen = "identity";
        double weight = 0;
        foreach (string part in acceptEncoding.Split(','))
        {
            string item = part.TrimStart(' ');
            int q = item.IndexOf(";q=", StringComparison.Ordinal);
            if (item.Length == 0 || q == 0)
            {
                continue;
            }

            string type = q < 0 ? item : item[..q];
            double typeWeight = 1;
            if (q > 0 && !double.TryParse(item[(q + 3)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out typeWeight))
            {
                continue;
            }

            if (type is "identity" or "deflate" or "gzip" && typeWeight > weight)
            {
                (chosen, weight) = (type, typeWeight);
            }
        }

        return chosen switch
        {
            "gzip" => BodyCompression.GzipDefault,
            "deflate" => BodyCompression.DeflateDefault,
            _ => null,
        };
    }

    private async Task<PooledBufferWriter> InferGrpcAsync(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var reference = TritonControl.PeekModel(request);
        var model = Resolve(reference.Name, reference.Version);
        var codec = _models.Codec(ScenarioCatalog.TritonGrpcRaw, model);
        var (_, body) = await TimedAsync(model, context.CancellationToken, () => (codec.DecodeRequest(request, WireContent.Protobuf), codec)).ConfigureAwait(false);
        return body;
    }

    /// <summary>
    /// Triton's pipeline for one request, each stage timed into the model's statistics: decode (compute_input), wait for
    /// an instance (queue), backend (compute_infer), encode (compute_output). A request that fails counts as a failure.
    /// </summary>
    private async Task<(WireContent Content, PooledBufferWriter Body)> TimedAsync(
        ModelSignature model, CancellationToken cancellationToken, Func<(InferenceRequest Request, IWireCodec ResponseCodec)> decode)
    {
        var counters = _statistics.Models[model.Name];
        var timing = RequestTiming.Start();
        try
        {
            var encoded = await Inference.PipelineAsync(
                _instances, options.Backend, model, ServedVersion, timing, decode, _buffers, cancellationToken, CheckBatchSize, _batching).ConfigureAwait(false);
            counters.RecordSuccess(timing);
            return encoded;
        }
        catch
        {
            counters.RecordFailure(timing);
            throw;
        }
    }

    /// <summary>
    /// Triton refuses a request whose batch exceeds the model's max_batch_size before it queues, with core's message
    /// (infer_request.cc; docs/dynamic-batching.md). With max_batch_size 0 the model takes whole tensors, unchecked.
    /// </summary>
    private void CheckBatchSize(ModelSignature model, InferenceRequest request)
    {
        int rows = TensorBatches.Rows(request);
        if (options.TritonMaxBatchSize > 0 && rows != 1 && rows > options.TritonMaxBatchSize)
        {
            throw new ServerError(ErrorKind.InvalidArgument, $"inference request batch-size must be <= {options.TritonMaxBatchSize} for '{model.Name}'");
        }
    }

    private Task WriteStatisticsAsync(HttpContext context, IEnumerable<ModelSignature> models) =>
        HttpExchange.WriteJsonAsync(context.Response, _buffers, StatusCodes.Status200OK, w => _statistics.WriteJson(w, models.Select(m => m.Name)), indent: 0);

    private Task<PooledBufferWriter> ModelReadyGrpc(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var asked = Parse(ModelReadyRequest.Parser, request);
        return Flag(IsReady(asked.Name, asked.Version));
    }

    private Task<PooledBufferWriter> ModelMetadataGrpc(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var asked = Parse(ModelMetadataRequest.Parser, request);
        return Message(TritonControl.Metadata(Resolve(asked.Name, asked.Version), [ServedVersion], Platform));
    }

    private Task<PooledBufferWriter> ModelConfigGrpc(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var asked = Parse(ModelConfigRequest.Parser, request);
        return Message(TritonControl.Config(Resolve(asked.Name, asked.Version), Platform, "onnxruntime"));
    }

    /// <summary>perf_analyzer asks for statistics; an empty name means every model.</summary>
    private Task<PooledBufferWriter> ModelStatisticsGrpc(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var asked = Parse(ModelStatisticsRequest.Parser, request);
        var models = string.IsNullOrEmpty(asked.Name) ? _models.All : [Resolve(asked.Name, asked.Version)];
        return Message(_statistics.ToMessage(models.Select(m => m.Name)));
    }

    private bool IsReady(string name, string? version) =>
        _models.Find(name) is not null && (string.IsNullOrEmpty(version) || version == ServedVersion);

    private ModelSignature Resolve(string name, string? version)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ServerError(ErrorKind.InvalidArgument, "the model name must not be empty");
        }

        var model = _models.Find(name);
        if (model is null)
        {
            throw new ServerError(ErrorKind.NotFound, $"Request for unknown model: '{name}' is not found");
        }

        if (version is not null && version.Length > 0 && version != ServedVersion)
        {
            throw new ServerError(ErrorKind.NotFound, $"Request for unknown model: '{name}' version {version} is not found");
        }

        return model;
    }

    private static void RequireGet(bool get)
    {
        if (!get)
        {
            throw new ServerError(ErrorKind.MethodNotAllowed, "Method Not Allowed");
        }
    }

    // ServerLiveResponse, ServerReadyResponse and ModelReadyResponse are one bool in field 1 each: one encoding serves all three.
    private Task<PooledBufferWriter> Flag(bool value) => Message(new ModelReadyResponse { Ready = value });

    private Task<PooledBufferWriter> Message(IMessage message) => Task.FromResult(PooledBodies.Wrap(_buffers, message));

    private static T Parse<T>(MessageParser<T> parser, ReadOnlyMemory<byte> request)
        where T : IMessage<T> => GeneratedMessages.Parse(parser, request.Span);

    private static void WriteServerMetadata(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", ServerName);
        writer.WriteString("version", ServerVersion);
        writer.WriteStartArray("extensions");
        foreach (string extension in Extensions)
        {
            writer.WriteStringValue(extension);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteModelMetadata(Utf8JsonWriter writer, ModelSignature model)
    {
        writer.WriteStartObject();
        writer.WriteString("name", model.Name);
        writer.WriteStartArray("versions");
        writer.WriteStringValue(ServedVersion);
        writer.WriteEndArray();
        writer.WriteString("platform", Platform);
        WriteTensors(writer, "inputs", model.Inputs);
        WriteTensors(writer, "outputs", model.Outputs);
        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, string property, IReadOnlyList<TensorSpec> specs)
    {
        writer.WriteStartArray(property);
        foreach (var spec in specs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", spec.Name);
            writer.WriteString("datatype", spec.DataType.ToKServeName());
            writer.WriteStartArray("shape");
            foreach (long dim in spec.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>The model configuration as Triton's JSON form of model_config.proto (dims keep -1 for variable).</summary>
    private static void WriteConfig(Utf8JsonWriter writer, ModelSignature model)
    {
        writer.WriteStartObject();
        writer.WriteString("name", model.Name);
        writer.WriteString("platform", Platform);
        writer.WriteString("backend", "onnxruntime");
        writer.WriteNumber("max_batch_size", 0);
        foreach (var (property, specs) in new[] { ("input", model.Inputs), ("output", model.Outputs) })
        {
            writer.WriteStartArray(property);
            foreach (var spec in specs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", spec.Name);
                writer.WriteString("data_type", "TYPE_" + (spec.DataType == DataType.Bytes ? "STRING" : spec.DataType.ToKServeName()));
                writer.WriteStartArray("dims");
                foreach (long dim in spec.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Triton's error body: compact <c>{"error":"..."}</c>; a wrong method is 405.</summary>
    private Task WriteErrorAsync(HttpResponse response, ServerError error)
    {
        int status = error.Kind == ErrorKind.TooLarge ? StatusCodes.Status400BadRequest
            : error.HttpStatus;
        return HttpExchange.WriteJsonAsync(response, _buffers, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", error.Message);
            writer.WriteEndObject();
        }, indent: 0);
    }
}
