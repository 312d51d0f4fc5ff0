using System.Text.Json;
using Prometheus;
using ServingBench.Wire.Protos.Kserve;

namespace ServingBench.Emulators.Statistics;

/// <summary>
/// What Triton publishes about each model, from the emulator's own timing: the statistics extension
/// (<c>GET /v2/models[/{m}[/versions/{v}]]/stats</c> and gRPC <c>ModelStatistics</c>, cumulative <c>{count, ns}</c>) and
/// the metrics page (<c>nv_inference_*</c>, labels <c>model</c> and <c>version</c>). Names and meanings:
/// docs/server-statistics.md.
/// </summary>
public sealed class TritonStatistics
{
    private readonly string _version;
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Counter _success, _failure, _inferences, _executions, _requestUs, _queueUs, _inputUs, _inferUs, _outputUs;

    public TritonStatistics(IEnumerable<string> models, string version)
    {
        Models = new ModelCounterSet(models);
        _version = version;
        var metrics = Metrics.WithCustomRegistry(_registry);
        string[] labels = ["model", "version"];
        _success = Create("nv_inference_request_success", "Number of successful inference requests, all batch sizes");
        _failure = Create("nv_inference_request_failure", "Number of failed inference requests, all batch sizes");
        _inferences = Create("nv_inference_count", "Number of inferences performed (does not include cached requests)");
        _executions = Create("nv_inference_exec_count", "Number of model executions performed (does not include cached requests)");
        _requestUs = Create("nv_inference_request_duration_us", "Cumulative inference request duration in microseconds (includes cached requests)");
        _queueUs = Create("nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds (includes cached requests)");
        _inputUs = Create("nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds (does not include cached requests)");
        _inferUs = Create("nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds (does not include cached requests)");
        _outputUs = Create("nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds (does not include cached requests)");

        // The counters above are views of the model counters, brought up to date when the page is read.
        _registry.AddBeforeCollectCallback(Refresh);

        Counter Create(string name, string help) => metrics.CreateCounter(name, help, labels);
    }

    public ModelCounterSet Models { get; }

    /// <summary>The gRPC answer for <paramref name="models"/> (the official <c>ModelStatisticsResponse</c>).</summary>
    public ModelStatisticsResponse ToMessage(IEnumerable<string> models)
    {
        var response = new ModelStatisticsResponse();
        foreach (string model in models)
        {
            var totals = Models[model].Snapshot();
            var statistics = new ModelStatistics
            {
                Name = model,
                Version = _version,
                LastInference = (ulong)totals.LastInferenceMs,
                InferenceCount = (ulong)totals.InferenceCount,
                ExecutionCount = (ulong)totals.ExecutionCount,
                InferenceStats = new InferStatistics
                {
                    Success = Duration(totals.Success),
                    Fail = Duration(totals.Fail),
                    Queue = Duration(totals.Queue),
                    ComputeInput = Duration(totals.ComputeInput),
                    ComputeInfer = Duration(totals.ComputeInfer),
                    ComputeOutput = Duration(totals.ComputeOutput),
                    CacheHit = new StatisticDuration(),
                    CacheMiss = new StatisticDuration(),
                },
            };
            statistics.BatchStats.AddRange(totals.Batches.Select(b => new InferBatchStatistics
            {
                BatchSize = (ulong)b.BatchSize,
                ComputeInput = Duration(b.ComputeInput),
                ComputeInfer = Duration(b.ComputeInfer),
                ComputeOutput = Duration(b.ComputeOutput),
            }));
            response.ModelStats.Add(statistics);
        }

        return response;
    }

    /// <summary>The HTTP answer: the same fields under the extension's JSON names (<c>model_stats</c>, <c>inference_stats</c> …).</summary>
    public void WriteJson(Utf8JsonWriter writer, IEnumerable<string> models)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("model_stats");
        foreach (string model in models)
        {
            var totals = Models[model].Snapshot();
            writer.WriteStartObject();
            writer.WriteString("name", model);
            writer.WriteString("version", _version);
            writer.WriteNumber("last_inference", totals.LastInferenceMs);
            writer.WriteNumber("inference_count", totals.InferenceCount);
            writer.WriteNumber("execution_count", totals.ExecutionCount);
            writer.WriteStartObject("inference_stats");
            Write(writer, "success", totals.Success);
            Write(writer, "fail", totals.Fail);
            Write(writer, "queue", totals.Queue);
            Write(writer, "compute_input", totals.ComputeInput);
            Write(writer, "compute_infer", totals.ComputeInfer);
            Write(writer, "compute_output", totals.ComputeOutput);
            Write(writer, "cache_hit", default);
            Write(writer, "cache_miss", default);
            writer.WriteEndObject();
            writer.WriteStartArray("batch_stats");
            foreach (var batch in totals.Batches)
            {
                writer.WriteStartObject();
                writer.WriteNumber("batch_size", batch.BatchSize);
                Write(writer, "compute_input", batch.ComputeInput);
                Write(writer, "compute_infer", batch.ComputeInfer);
                Write(writer, "compute_output", batch.ComputeOutput);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("memory_usage");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The metrics port's <c>GET /metrics</c>.</summary>
    public Task WriteMetricsAsync(HttpResponse response, CancellationToken cancellationToken) => PrometheusPage.WriteAsync(response, _registry, cancellationToken);

    private void Refresh()
    {
        foreach (var model in Models.All)
        {
            var totals = model.Snapshot();
            string[] labels = [model.Model, _version];
            _success.WithLabels(labels).IncTo(totals.Success.Count);
            _failure.WithLabels(labels).IncTo(totals.Fail.Count);
            _inferences.WithLabels(labels).IncTo(totals.InferenceCount);
            _executions.WithLabels(labels).IncTo(totals.ExecutionCount);
            _requestUs.WithLabels(labels).IncTo(Microseconds(totals.Success));
            _queueUs.WithLabels(labels).IncTo(Microseconds(totals.Queue));
            _inputUs.WithLabels(labels).IncTo(Microseconds(totals.ComputeInput));
            _inferUs.WithLabels(labels).IncTo(Microseconds(totals.ComputeInfer));
            _outputUs.WithLabels(labels).IncTo(Microseconds(totals.ComputeOutput));
        }
    }

    // Triton's counters are whole microseconds.
    private static double Microseconds(DurationTotal total) => total.Nanoseconds / 1000;

    private static StatisticDuration Duration(DurationTotal total) => new() { Count = (ulong)total.Count, Ns = (ulong)total.Nanoseconds };

    private static void Write(Utf8JsonWriter writer, string name, DurationTotal total)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count", total.Count);
        writer.WriteNumber("ns", total.Nanoseconds);
        writer.WriteEndObject();
    }
}
