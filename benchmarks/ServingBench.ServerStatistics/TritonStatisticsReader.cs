using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Protos.Kserve;

namespace ServingBench.ServerStatistics;

/// <summary>
/// Triton's statistics extension for one model: over HTTP (<c>GET /v2/models/{m}/stats</c>, JSON) or gRPC
/// (<c>ModelStatistics</c>), whichever the address speaks. Durations are cumulative <c>{count, ns}</c>:
/// inference_stats.success is the request, and queue, compute_input, compute_infer and compute_output its stages.
/// </summary>
public sealed class TritonStatisticsReader : IServerStatisticsReader
{
    private readonly string _model;
    private readonly Uri _address;
    private readonly HttpClient? _http;
    private readonly GrpcChannel? _channel;

    /// <param name="address">The server's HTTP (8000) or gRPC (8001) base address.</param>
    /// <param name="grpc">True when <paramref name="address"/> is the gRPC endpoint.</param>
    public TritonStatisticsReader(Uri address, string model, bool grpc)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        if (grpc)
        {
            _address = address;
            _channel = GrpcInferenceClient.CreateChannel(address);
            Source = $"triton statistics gRPC ModelStatistics at {address} (model {model})";
        }
        else
        {
            _address = new Uri(address, $"v2/models/{Uri.EscapeDataString(model)}/stats");
            _http = StatisticsHttp.CreateClient();
            Source = $"triton statistics {_address}";
        }
    }

    public string Source { get; }

    public async Task<ServerCounters> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_http is not null)
        {
            string json = await StatisticsHttp.GetAsync(_http, _address, Source, cancellationToken).ConfigureAwait(false);
            return FromJson(json, _model, Source);
        }

        try
        {
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
            var answer = await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = _model },
                deadline: DateTime.UtcNow + StatisticsHttp.Deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return FromMessage(answer, _model, Source);
        }
        catch (RpcException ex)
        {
            throw new StatisticsUnavailableException($"{Source}: {ex.StatusCode} {ex.Status.Detail}".TrimEnd(), ex);
        }
    }

    /// <summary>The model's counters in a <c>ModelStatisticsResponse</c> (every version of it added up).</summary>
    public static ServerCounters FromMessage(ModelStatisticsResponse answer, string model, string source)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var stats = answer.ModelStats.Where(s => s.Name == model).ToList();
        if (stats.Count == 0)
        {
            throw new StatisticsUnavailableException($"{source}: the answer has no statistics for model {model}");
        }

        double Sum(Func<InferStatistics, StatisticDuration?> pick) => stats.Sum(s => s.InferenceStats is { } i && pick(i) is { } d ? (double)d.Ns : 0);
        long requests = stats.Sum(s => (long)(s.InferenceStats?.Success?.Count ?? 0));
        return new ServerCounters(requests, Sum(i => i.Success), Sum(i => i.Queue), Sum(i => i.ComputeInput), Sum(i => i.ComputeInfer), Sum(i => i.ComputeOutput))
        {
            Executions = (stats.Sum(s => (long)s.InferenceCount), stats.Sum(s => (long)s.ExecutionCount)),
            ExecutionsByBatchSize = stats.SelectMany(s => s.BatchStats)
                .GroupBy(b => (int)b.BatchSize)
                .ToDictionary(g => g.Key, g => g.Sum(b => (long)(b.ComputeInfer?.Count ?? 0))),
        };
    }

    /// <summary>The model's counters in the extension's JSON answer (<c>{"model_stats":[{"name":…,"inference_stats":{…}}]}</c>).</summary>
    public static ServerCounters FromJson(string json, string model, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var models = document.RootElement.GetProperty("model_stats").EnumerateArray()
                .Where(s => s.TryGetProperty("name", out var name) && name.GetString() == model)
                .ToList();
            var stats = models.Select(s => s.GetProperty("inference_stats")).ToList();
            if (stats.Count == 0)
            {
                throw new StatisticsUnavailableException($"{source}: the answer has no statistics for model {model}");
            }

            double Sum(string stage, string field) => stats.Sum(s => s.TryGetProperty(stage, out var d) && d.TryGetProperty(field, out var v) ? v.GetDouble() : 0);
            long Count(string field) => models.Sum(s => s.TryGetProperty(field, out var v) ? v.GetInt64() : 0);
            var batches = models
                .SelectMany(s => s.TryGetProperty("batch_stats", out var b) ? b.EnumerateArray().ToList() : [])
                .GroupBy(b => b.GetProperty("batch_size").GetInt32())
                .ToDictionary(g => g.Key, g => g.Sum(b => b.GetProperty("compute_infer").GetProperty("count").GetInt64()));
            return new ServerCounters((long)Sum("success", "count"), Sum("success", "ns"), Sum("queue", "ns"), Sum("compute_input", "ns"),
                Sum("compute_infer", "ns"), Sum("compute_output", "ns"))
            {
                Executions = (Count("inference_count"), Count("execution_count")),
                ExecutionsByBatchSize = batches,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StatisticsUnavailableException($"{source}: not the statistics extension's answer ({ex.Message})", ex);
        }
    }

    public void Dispose()
    {
        _http?.Dispose();
        _channel?.Dispose();
    }
}
