using Prometheus;

namespace ServingBench.Emulators.Statistics;

/// <summary>
/// TF Serving's monitoring page (<c>GET /monitoring/prometheus/metrics</c> on the REST port, when the monitoring config
/// enables Prometheus): <c>:tensorflow:serving:request_count</c> (labels <c>model_name</c>, <c>status</c>), and the
/// histograms in microseconds <c>:tensorflow:serving:request_latency</c> (labels <c>model_name</c>, <c>API</c>,
/// <c>entrypoint</c>) and <c>:tensorflow:serving:runtime_latency</c> (labels <c>model_name</c>, <c>API</c>,
/// <c>runtime</c>), with the real server's buckets. docs/server-statistics.md cites them.
/// </summary>
public sealed class TfServingStatistics
{
    public const string MetricsPath = "/monitoring/prometheus/metrics";
    public const string RestEntrypoint = "REST";
    public const string GrpcEntrypoint = "GRPC";

    /// <summary>TF Serving's latency buckets: <c>Buckets::Exponential(10, 1.8, 33)</c>, 10 µs up to about 20 minutes.</summary>
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(10, 1.8, 33);

    /// <summary>The names the metrics are registered under (prometheus-net refuses colons) and the names TF Serving publishes.</summary>
    private static readonly Dictionary<string, string> PublishedNames = new(StringComparer.Ordinal)
    {
        ["tensorflow_serving_request_count"] = ":tensorflow:serving:request_count",
        ["tensorflow_serving_request_latency"] = ":tensorflow:serving:request_latency",
        ["tensorflow_serving_runtime_latency"] = ":tensorflow:serving:runtime_latency",
    };

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Counter _requests;
    private readonly Histogram _requestLatency, _runtimeLatency;

    public TfServingStatistics(IEnumerable<string> models)
    {
        Models = new ModelCounterSet(models);
        var metrics = Metrics.WithCustomRegistry(_registry);
        _requests = metrics.CreateCounter("tensorflow_serving_request_count", "The total number of requests.", "model_name", "status");
        _requestLatency = metrics.CreateHistogram("tensorflow_serving_request_latency", "Distribution of wall time (in microseconds) for Tensorflow Serving request.",
            new HistogramConfiguration { LabelNames = ["model_name", "API", "entrypoint"], Buckets = LatencyBuckets });
        _runtimeLatency = metrics.CreateHistogram("tensorflow_serving_runtime_latency", "Distribution of wall time (in microseconds) for Tensorflow runtime.",
            new HistogramConfiguration { LabelNames = ["model_name", "API", "runtime"], Buckets = LatencyBuckets });
    }

    public ModelCounterSet Models { get; }

    /// <summary>A Predict request answered through <paramref name="entrypoint"/> (<see cref="RestEntrypoint"/> or <see cref="GrpcEntrypoint"/>).</summary>
    public void Answered(string model, string entrypoint, RequestTiming timing)
    {
        Models[model].RecordSuccess(timing);
        _requests.WithLabels(model, "OK").Inc();
        _requestLatency.WithLabels(model, "Predict", entrypoint).Observe(Microseconds(timing.ElapsedTicks));
        _runtimeLatency.WithLabels(model, "Predict", "TF1").Observe(Microseconds(timing.EngineTicks));
    }

    /// <summary>A Predict request for a served model failed with <paramref name="status"/> (the status code's name, as TF Serving labels it).</summary>
    public void Failed(string model, string status, RequestTiming timing)
    {
        Models[model].RecordFailure(timing);
        _requests.WithLabels(model, status).Inc();
    }

    public Task WriteMetricsAsync(HttpResponse response, CancellationToken cancellationToken) => PrometheusPage.WriteAsync(response, _registry, cancellationToken, PublishedNames);

    // TF Serving records whole microseconds (EnvTime::NowMicros differences).
    private static double Microseconds(long ticks) => Math.Floor(ticks * 1e6 / System.Diagnostics.Stopwatch.Frequency);
}
