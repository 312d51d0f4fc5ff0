using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using ServingBench.Emulators.Batching;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Statistics;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Codecs.TfServing;

namespace ServingBench.Emulators.TfServing;

/// <summary>
/// TF Serving: REST (predict row/columnar, model status, metadata) on 8501 and gRPC (PredictionService.Predict and
/// GetModelMetadata, ModelService.GetModelStatus) on 8500. Every model is served as version 1; gRPC Predict
/// answers with typed fields, as the real server does. The REST port also serves the monitoring page
/// (<see cref="TfServingStatistics.MetricsPath"/>), from each Predict request's own timing.
/// </summary>
public sealed partial class TfServingEmulator(EmulatorOptions options)
{
    public const int DefaultGrpcPort = 8500;
    public const int DefaultRestPort = 8501;
    public const long ServedVersion = 1;

    /// <summary>
    /// libevent 2.1.12's evhttp (TF Serving's REST server) answers a request it cannot parse, such as a POST whose
    /// Content-Length is not a number or a malformed request line, with evhttp_send_error's page. It sets no limit on
    /// request line or headers, so Kestrel's 414 and 431 stay as they are (the real server would accept those).
    /// </summary>
    private static readonly MalformedRequestAnswer LibeventErrorPage = new(
        "text/html", "<HTML><HEAD>\n<TITLE>400 Bad Request</TITLE>\n</HEAD><BODY>\n<H1>Bad Request</H1>\n</BODY></HTML>\n"u8, replacing: [400]);

    private readonly ServedModels _models = new(options.Models);
    private readonly TfServingStatistics _statistics = new(options.Models.Select(m => m.Name));
    private readonly ModelInstances _instances = new(options.Models.Select(m => m.Name), options.InstancesPerModel);

    // This server's buffers (request bodies, encoded answers), apart from any client's in the same process.
    private readonly BufferPool _buffers = new();

    // --enable_batching: the batch scheduler counts rows, runs num_batch_threads batches at once, and fails fast when
    // max_enqueued_batches are waiting (shared_batch_scheduler.h's message and status).
    private readonly BatchingScheduler? _batching = BatchingScheduler.OnInstances(
        options.TfServingBatching, options.Backend, options.Models.Select(m => m.Name), options.TfServingBatchThreads, TensorBatches.Rows,
        () => new ServerError(ErrorKind.Unavailable, "The batch scheduling queue to which this task was submitted is full"));

    public IEnumerable<ListenerSpec> Listeners()
    {
        yield return new ListenerSpec("tfserving", Framework.TfServing, EndpointRole.Grpc, DefaultGrpcPort)
        {
            Grpc = new GrpcMethodTable(_buffers)
                .Add(GrpcServices.TfPredictionService, "Predict", Guard(PredictGrpcAsync))
                .Add(GrpcServices.TfPredictionService, "GetModelMetadata", Guard(MetadataGrpcAsync))
                .Add(GrpcServices.TfModelService, "GetModelStatus", Guard(StatusGrpcAsync)),
            GrpcCompression = GrpcCompression.GrpcCore(options),
        };
        yield return new ListenerSpec("tfserving", Framework.TfServing, EndpointRole.Rest, DefaultRestPort)
        {
            Rest = context => RestErrors.GuardAsync(context, HandleRestAsync, WriteErrorAsync, options.ErrorLog, "tfserving"),
            MalformedRequest = LibeventErrorPage,
        };
    }

    [GeneratedRegex(@"^/v1/models/(?<name>[^/:]+)(?:/versions/(?<version>\d+)|/labels/(?<label>[^/:]+))?:(?<verb>classify|regress|predict)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PostRoute();

    [GeneratedRegex(@"^/v1/models(?:/(?<name>[^/:]+))?(?:/versions/(?<version>\d+)|/labels/(?<label>[^/:]+))?(?<metadata>/metadata)?/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GetRoute();

    private RawUnaryHandler Guard(RawUnaryHandler handler) => GrpcErrors.Guard(handler, e => e.GrpcStatus, options.ErrorLog, "tfserving");

    private async Task HandleRestAsync(HttpContext context)
    {
        var request = context.Request;
        string path = request.Path.Value ?? "/";
        if (HttpMethods.IsPost(request.Method) && PostRoute().Match(path) is { Success: true } post)
        {
            var model = Resolve(Unescape(post, "name"), Group(post, "version"), Group(post, "label"));
            string verb = post.Groups["verb"].Value.ToLowerInvariant();
            if (verb != "predict")
            {
                throw new ServerError(ErrorKind.InvalidArgument,
                    $"Expected {verb} signature method_name to be tensorflow/serving/{verb}. Was: {TfServingControl.PredictMethodName}");
            }

            await PredictRestAsync(context, model).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && path == TfServingStatistics.MetricsPath)
        {
            await _statistics.WriteMetricsAsync(context.Response, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(request.Method) && GetRoute().Match(path) is { Success: true } get && get.Groups["name"].Success)
        {
            var model = Resolve(Unescape(get, "name"), Group(get, "version"), Group(get, "label"));
            bool metadata = get.Groups["metadata"].Success;
            await HttpExchange.WriteJsonAsync(context.Response, _buffers, StatusCodes.Status200OK, writer =>
            {
                if (metadata)
                {
                    WriteMetadata(writer, model);
                }
                else
                {
                    WriteStatus(writer);
                }
            }, indent: 4).ConfigureAwait(false);
            return;
        }

        throw path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase)
            ? new ServerError(ErrorKind.InvalidArgument, $"Malformed request: {request.Method} {path}")
            : new ServerError(ErrorKind.NotFound, $"Not found: {request.Method} {path}");
    }

    private async Task PredictRestAsync(HttpContext context, ModelSignature model)
    {
        using var body = await HttpExchange.ReadBodyAsync(context.Request, _buffers, options.MaxRestBodyBytes, context.RequestAborted, RequestCoding.Gzip).ConfigureAwait(false);
        var (content, response) = await TimedAsync(model, TfServingStatistics.RestEntrypoint, context.RequestAborted, () =>
        {
            var scenario = IsRowFormat(body.WrittenSpan) ? ScenarioCatalog.TfServingRestJsonRow : ScenarioCatalog.TfServingRestJsonCol;
            var codec = _models.Codec(scenario, model);
            var decoded = codec.DecodeRequest(body.WrittenMemory, HttpExchange.RequestContent(context.Request));
            CheckSignature(decoded.SignatureName);
            return (decoded, codec);
        }).ConfigureAwait(false);
        await HttpExchange.WriteAsync(context.Response, StatusCodes.Status200OK, content, response).ConfigureAwait(false);
    }

    /// <summary>
    /// One Predict request, timed as TF Serving times it: request latency from decode to encoded answer, runtime latency
    /// around the backend (the wait for an instance is part of the request, not of the runtime).
    /// </summary>
    private async Task<(WireContent Content, PooledBufferWriter Body)> TimedAsync(
        ModelSignature model, string entrypoint, CancellationToken cancellationToken, Func<(InferenceRequest Request, IWireCodec ResponseCodec)> decode)
    {
        var timing = RequestTiming.Start();
        try
        {
            var encoded = await Inference.PipelineAsync(
                _instances, options.Backend, model, Version, timing, decode, _buffers, cancellationToken, CheckBatchSize, _batching).ConfigureAwait(false);
            _statistics.Answered(model.Name, entrypoint, timing);
            return encoded;
        }
        catch (Exception ex)
        {
            _statistics.Failed(model.Name, StatusName(ex), timing);
            throw;
        }
    }

    /// <summary>
    /// With batching enabled, TF Serving refuses a request with more rows than max_batch_size (a "task" larger than
    /// the batch) with the scheduler's message (shared_batch_scheduler.h; docs/dynamic-batching.md).
    /// </summary>
    private void CheckBatchSize(ModelSignature model, InferenceRequest request)
    {
        int rows = TensorBatches.Rows(request);
        if (options.TfServingBatching is { } batching && rows > batching.MaxBatchSize)
        {
            throw new ServerError(ErrorKind.InvalidArgument, $"Task size {rows} is larger than maximum input batch size {batching.MaxBatchSize}");
        }
    }

    /// <summary>The status code's name as TF Serving's request_count labels it (<c>error::Code_Name</c>: INVALID_ARGUMENT …).</summary>
    private static string StatusName(Exception error) => error switch
    {
        ServerError server => ConstantCase(server.GrpcStatus.ToString()),
        WireFormatException => "INVALID_ARGUMENT",
        OperationCanceledException => "CANCELLED",
        _ => "INTERNAL",
    };

    private static string ConstantCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    private async Task<PooledBufferWriter> PredictGrpcAsync(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var reference = TfServingControl.PeekModelSpec(request, "PredictRequest");
        var model = Resolve(reference.Name, reference.Version, reference.Label);

        // The request may carry typed fields or tensor_content; the real server answers typed either way.
        var (_, body) = await TimedAsync(model, TfServingStatistics.GrpcEntrypoint, context.CancellationToken, () =>
        {
            var decoded = _models.Codec(ScenarioCatalog.TfServingGrpcRaw, model).DecodeRequest(request, WireContent.Protobuf);
            CheckSignature(decoded.SignatureName ?? reference.SignatureName);
            return (decoded, _models.Codec(ScenarioCatalog.TfServingGrpcTyped, model));
        }).ConfigureAwait(false);
        return body;
    }

    private Task<PooledBufferWriter> MetadataGrpcAsync(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var reference = TfServingControl.PeekModelSpec(request, "GetModelMetadataRequest");
        var model = Resolve(reference.Name, reference.Version, reference.Label);
        return Task.FromResult(PooledBodies.Wrap(_buffers, TfServingControl.Metadata(model, ServedVersion)));
    }

    private Task<PooledBufferWriter> StatusGrpcAsync(ReadOnlyMemory<byte> request, ServerCallContext context)
    {
        var reference = TfServingControl.PeekModelSpec(request, "GetModelStatusRequest");
        Resolve(reference.Name, reference.Version, reference.Label);
        return Task.FromResult(PooledBodies.Wrap(_buffers, TfServingControl.Available(ServedVersion)));
    }

    private static string Version => ServedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ModelSignature Resolve(string name, string? version, string? label)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ServerError(ErrorKind.InvalidArgument, "Missing ModelSpec");
        }

        if (label is not null)
        {
            throw new ServerError(ErrorKind.NotFound, $"Unrecognized servable version label: {label}");
        }

        // The server reads the version as an int64 (absl::SimpleAtoi), so "01" is version 1.
        long? number = version is null ? null
            : long.TryParse(version, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long parsed) ? parsed
            : throw new ServerError(ErrorKind.InvalidArgument, $"Failed to convert version: {version} to numeric.");
        var model = _models.Find(name);
        if (model is null || (number is not null && number != ServedVersion))
        {
            string request = number is null ? $"Latest({name})" : $"Specific({name}, {number})";
            throw new ServerError(ErrorKind.NotFound, $"Servable not found for request: {request}");
        }

        return model;
    }

    private static void CheckSignature(string? signature)
    {
        if (signature is not null && signature.Length > 0 && signature != TfServingControl.DefaultSignature)
        {
            throw new ServerError(ErrorKind.InvalidArgument, $"Serving signature name: \"{signature}\" not found in signature def");
        }
    }

    /// <summary>Row format names its data "instances", columnar "inputs"; only the top-level keys are looked at.</summary>
    private static bool IsRowFormat(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new WireFormatException("JSON Value: is not an object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("instances"u8))
                {
                    return true;
                }

                if (reader.ValueTextEquals("inputs"u8))
                {
                    return false;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            throw new WireFormatException($"JSON Parse error: {ex.Message}", ex);
        }

        throw new WireFormatException("Missing 'inputs' or 'instances' key");
    }

    private static void WriteStatus(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("model_version_status");
        writer.WriteStartObject();
        writer.WriteString("version", Version);
        writer.WriteString("state", "AVAILABLE");
        writer.WriteStartObject("status");
        writer.WriteString("error_code", "OK");
        writer.WriteString("error_message", string.Empty);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter writer, ModelSignature model)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("model_spec");
        writer.WriteString("name", model.Name);
        writer.WriteString("signature_name", string.Empty);
        writer.WriteString("version", Version);
        writer.WriteEndObject();
        writer.WriteStartObject("metadata");
        writer.WriteStartObject("signature_def");
        writer.WriteStartObject("signature_def");
        writer.WriteStartObject(TfServingControl.DefaultSignature);
        WriteTensorInfos(writer, "inputs", model.Inputs, spec => $"serving_default_{spec.Name}:0");
        WriteTensorInfos(writer, "outputs", model.Outputs, _ => "StatefulPartitionedCall:0");
        writer.WriteString("method_name", TfServingControl.PredictMethodName);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTensorInfos(Utf8JsonWriter writer, string property, IReadOnlyList<TensorSpec> specs, Func<TensorSpec, string> graphName)
    {
        writer.WriteStartObject(property);
        foreach (var spec in specs)
        {
            writer.WriteStartObject(spec.Name);
            writer.WriteString("dtype", TfDataTypes.ToName(spec.DataType));
            writer.WriteStartObject("tensor_shape");
            writer.WriteStartArray("dim");
            foreach (long dim in spec.Shape)
            {
                writer.WriteStartObject();
                writer.WriteString("size", dim.ToString(System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteString("name", string.Empty);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("unknown_rank", false);
            writer.WriteEndObject();
            writer.WriteString("name", graphName(spec));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>TF Serving's error body: <c>{ "error": "..." }</c>, pretty-printed (rapidjson PrettyWriter, 4 spaces).</summary>
    private Task WriteErrorAsync(HttpResponse response, ServerError error) =>
        HttpExchange.WriteJsonAsync(response, _buffers, error.HttpStatus, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", error.Message);
            writer.WriteEndObject();
        }, indent: 4);

    private static string? Group(Match match, string name) => match.Groups[name].Success ? match.Groups[name].Value : null;

    private static string Unescape(Match match, string name) => Uri.UnescapeDataString(match.Groups[name].Value);
}
