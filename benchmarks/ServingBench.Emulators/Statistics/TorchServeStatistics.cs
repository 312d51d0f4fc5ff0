using Prometheus;

namespace ServingBench.Emulators.Statistics;

/// <summary>
/// TorchServe's metrics API (port 8082, <c>GET /metrics</c>) as it answers with <c>metrics_mode=prometheus</c>: the
/// frontend's counters <c>ts_inference_requests_total</c>, <c>ts_inference_latency_microseconds</c> (a request's job from
/// its arrival in the model's queue to its answer, queue included) and <c>ts_queue_latency_microseconds</c> (the wait for
/// a worker), labelled <c>uuid</c>, <c>model_name</c>, <c>model_version</c>. docs/server-statistics.md cites them.
/// </summary>
public sealed class TorchServeStatistics
{
    /// <summary>TorchServe's label value for a request that names no model version.</summary>
    public const string DefaultVersionLabel = "default";

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Counter _requests, _inferenceUs, _queueUs;

    /// <summary>The server instance's id, as TorchServe labels every frontend metric with its own.</summary>
    private readonly string _uuid = Guid.NewGuid().ToString();

    public TorchServeStatistics(IEnumerable<string> models)
    {
        Models = new ModelCounterSet(models);
        var metrics = Metrics.WithCustomRegistry(_registry);
        string[] labels = ["uuid", "model_name", "model_version"];
        _requests = metrics.CreateCounter("ts_inference_requests_total", "Total number of inference requests.", labels);
        _inferenceUs = metrics.CreateCounter("ts_inference_latency_microseconds", "Cumulative inference duration in microseconds", labels);
        _queueUs = metrics.CreateCounter("ts_queue_latency_microseconds", "Cumulative queue duration in microseconds", labels);
    }

    public ModelCounterSet Models { get; }

    /// <summary>A prediction request for a served model arrived (counted whether or not it is admitted, as TorchServe counts it).</summary>
    public void Received(string model, string? version) => _requests.WithLabels(_uuid, model, version ?? DefaultVersionLabel).Inc();

    /// <summary>A job finished with an answer: its queue wait and its whole time in the frontend.</summary>
    public void Answered(string model, string? version, RequestTiming timing)
    {
        Models[model].RecordSuccess(timing);
        string[] labels = [_uuid, model, version ?? DefaultVersionLabel];
        _queueUs.WithLabels(labels).Inc(Microseconds(timing.QueueTicks));
        _inferenceUs.WithLabels(labels).Inc(Microseconds(timing.ElapsedTicks));
    }

    public Task WriteMetricsAsync(HttpResponse response, CancellationToken cancellationToken) => PrometheusPage.WriteAsync(response, _registry, cancellationToken);

    private static double Microseconds(long ticks) => ticks * 1e6 / System.Diagnostics.Stopwatch.Frequency;
}
