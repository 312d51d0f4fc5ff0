namespace ServingBench.ServerStatistics;

/// <summary>
/// TorchServe's metrics API and TF Serving's monitoring page: one Prometheus text page, read whole, and the model's
/// series summed over their other labels (versions, entrypoints, the server's uuid).
/// </summary>
/// <remarks>
/// TorchServe (metrics_mode=prometheus): requests = <c>ts_inference_requests_total</c>, request =
/// <c>ts_inference_latency_microseconds</c> (queue included), queue = <c>ts_queue_latency_microseconds</c>, engine =
/// inference − queue. TF Serving: requests and request = <c>:tensorflow:serving:request_latency</c>'s <c>_count</c> and
/// <c>_sum</c> (API Predict), engine = <c>:tensorflow:serving:runtime_latency_sum</c>; it publishes no queue.
/// </remarks>
public sealed class PrometheusStatisticsReader : IServerStatisticsReader
{
    public const string TorchServeRequests = "ts_inference_requests_total";
    public const string TorchServeInference = "ts_inference_latency_microseconds";
    public const string TorchServeQueue = "ts_queue_latency_microseconds";
    public const string TfServingRequestLatency = ":tensorflow:serving:request_latency";
    public const string TfServingRuntimeLatency = ":tensorflow:serving:runtime_latency";

    private readonly Framework _framework;
    private readonly string _model;
    private readonly Uri _page;
    private readonly HttpClient _http = StatisticsHttp.CreateClient();

    /// <param name="page">The page itself: TorchServe <c>http://host:8082/metrics</c>, TF Serving <c>http://host:8501/monitoring/prometheus/metrics</c>.</param>
    public PrometheusStatisticsReader(Framework framework, Uri page, string model)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(model);
        if (framework == Framework.Triton)
        {
            throw new ArgumentException("Triton's statistics are read by TritonStatisticsReader", nameof(framework));
        }

        _framework = framework;
        _page = page;
        _model = model;
        Source = $"{Scenario.FrameworkName(framework)} metrics {page}";
    }

    public string Source { get; }

    public async Task<ServerCounters> ReadAsync(CancellationToken cancellationToken = default)
    {
        string text = await StatisticsHttp.GetAsync(_http, _page, Source, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PrometheusSample> samples;
        try
        {
            samples = PrometheusText.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new StatisticsUnavailableException($"{Source}: not a Prometheus page ({ex.Message})", ex);
        }

        // A metric declared but without samples yet (no request since the server started) counts as zero.
        var declared = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length >= 3).Select(p => p[2]).ToHashSet(StringComparer.Ordinal);
        return _framework == Framework.TorchServe ? TorchServe(samples, _model, Source, declared) : TfServing(samples, _model, Source, declared);
    }

    public static ServerCounters TorchServe(IReadOnlyList<PrometheusSample> samples, string model, string source, IReadOnlySet<string>? declared = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double requests = Sum(samples, TorchServeRequests, TorchServeRequests, model, source, declared);
        double inferenceUs = Sum(samples, TorchServeInference, TorchServeInference, model, source, declared);
        double queueUs = Sum(samples, TorchServeQueue, TorchServeQueue, model, source, declared);
        return new ServerCounters((long)requests, inferenceUs * 1000, queueUs * 1000, null, (inferenceUs - queueUs) * 1000, null);
    }

    public static ServerCounters TfServing(IReadOnlyList<PrometheusSample> samples, string model, string source, IReadOnlySet<string>? declared = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        double requests = Sum(samples, TfServingRequestLatency + "_count", TfServingRequestLatency, model, source, declared);
        double requestUs = Sum(samples, TfServingRequestLatency + "_sum", TfServingRequestLatency, model, source, declared);
        double runtimeUs = Sum(samples, TfServingRuntimeLatency + "_sum", TfServingRuntimeLatency, model, source, declared);
        return new ServerCounters((long)requests, requestUs * 1000, null, null, runtimeUs * 1000, null);
    }

    /// <summary>
    /// The sum of <paramref name="metric"/> over the model's series (TF Serving's: API Predict only). A page that neither
    /// has the metric nor declares its <paramref name="family"/> (<c># TYPE</c>) publishes nothing usable; a declared one
    /// without samples yet is zero, as is a model with no request yet.
    /// </summary>
    private static double Sum(IReadOnlyList<PrometheusSample> samples, string metric, string family, string model, string source, IReadOnlySet<string>? declared)
    {
        var named = samples.Where(s => s.Name == metric).ToList();
        if (named.Count == 0 && declared?.Contains(family) != true)
        {
            throw new StatisticsUnavailableException($"{source}: the page has no {metric}");
        }

        return named.Where(s => s.Label("model_name") == model && s.Label("API") is null or "Predict").Sum(s => s.Value);
    }

    public void Dispose() => _http.Dispose();
}
