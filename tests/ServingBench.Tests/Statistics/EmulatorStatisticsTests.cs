using ServingBench.Payloads.Catalogue;
using System.Text.Json;
using Grpc.Net.Client;
using ServingBench.Emulators.Hosting;
using ServingBench.ServerStatistics;
using ServingBench.Wire.Protos.Kserve;

namespace ServingBench.Tests.Statistics;

/// <summary>The emulators publish what the real servers publish, under the official names, counting every answered request.</summary>
public sealed class EmulatorStatisticsTests
{
    private static readonly string[] InferStages = ["success", "fail", "queue", "compute_input", "compute_infer", "compute_output", "cache_hit", "cache_miss"];

    [Fact]
    public async Task Triton_ModelStatistics_Parses_With_The_Official_Proto_Classes_And_Counts_Every_Answer()
    {
        await using var servers = await StatisticsServers.StartAsync(ScenarioCatalog.TritonGrpcRaw);
        int sent = await servers.SendAsync(users: 3, requestsEach: 4);

        using var channel = GrpcChannel.ForAddress(servers.Servers.Address(Framework.Triton, Protocol.Grpc));
        var answer = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelStatisticsAsync(new ModelStatisticsRequest { Name = ModelCatalog.Resnet50.Name });

        var stats = Assert.Single(answer.ModelStats);
        Assert.Equal(("resnet50", "1"), (stats.Name, stats.Version));
        Assert.Equal((ulong)sent, stats.InferenceStats.Success.Count);
        Assert.Equal((ulong)sent, stats.ExecutionCount);
        Assert.Equal((ulong)sent, stats.InferenceCount);
        Assert.Equal(0UL, stats.InferenceStats.Fail.Count);
        Assert.True(stats.LastInference > 0);
        var batch = Assert.Single(stats.BatchStats);
        Assert.Equal((1UL, (ulong)sent), (batch.BatchSize, batch.ComputeInfer.Count));
        foreach (var stage in new[] { stats.InferenceStats.Queue, stats.InferenceStats.ComputeInput, stats.InferenceStats.ComputeInfer, stats.InferenceStats.ComputeOutput })
        {
            Assert.Equal((ulong)sent, stage.Count);
        }

        Assert.True(stats.InferenceStats.Success.Ns > 0);

        // An empty name asks for every model.
        var all = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Equal(ModelCatalog.All.Select(m => m.Name).Order(), all.ModelStats.Select(s => s.Name).Order());
    }

    [Fact]
    public async Task Triton_Http_Statistics_Carry_The_Extensions_Field_Names_On_Every_Route()
    {
        await using var servers = await StatisticsServers.StartAsync(ScenarioCatalog.TritonRestBinary);
        int sent = await servers.SendAsync(users: 2, requestsEach: 3);
        using var http = new HttpClient { BaseAddress = servers.Servers.Address(Framework.Triton, Protocol.Rest) };

        foreach (string route in new[] { "v2/models/resnet50/stats", "v2/models/resnet50/versions/1/stats", "v2/models/stats" })
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(route));
            var model = document.RootElement.GetProperty("model_stats").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "resnet50");
            Assert.Equal(["name", "version", "last_inference", "inference_count", "execution_count", "inference_stats", "batch_stats", "memory_usage"],
                model.EnumerateObject().Select(p => p.Name));
            var stages = model.GetProperty("inference_stats");
            Assert.Equal(InferStages, stages.EnumerateObject().Select(p => p.Name));
            Assert.All(stages.EnumerateObject(), stage => Assert.Equal(["count", "ns"], stage.Value.EnumerateObject().Select(p => p.Name)));
            Assert.Equal(sent, stages.GetProperty("success").GetProperty("count").GetInt64());
            Assert.Equal(["batch_size", "compute_input", "compute_infer", "compute_output"], model.GetProperty("batch_stats")[0].EnumerateObject().Select(p => p.Name));
        }

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("v2/models/nosuchmodel/stats")).StatusCode);
    }

    [Theory]
    [InlineData("triton-grpc-raw", "nv_inference_request_success{model=\"resnet50\",version=\"1\"} 5",
        "nv_inference_request_failure nv_inference_count nv_inference_exec_count nv_inference_request_duration_us nv_inference_queue_duration_us nv_inference_compute_input_duration_us nv_inference_compute_infer_duration_us nv_inference_compute_output_duration_us")]
    [InlineData("torchserve-rest-raw", "model_name=\"resnet50\",model_version=\"default\"} 5",
        "ts_inference_requests_total ts_inference_latency_microseconds ts_queue_latency_microseconds")]
    [InlineData("tfserving-grpc-raw", ":tensorflow:serving:request_count{model_name=\"resnet50\",status=\"OK\"} 5",
        ":tensorflow:serving:request_latency_bucket :tensorflow:serving:request_latency_sum :tensorflow:serving:request_latency_count :tensorflow:serving:runtime_latency_bucket")]
    public async Task Metrics_Pages_Carry_The_Official_Names_And_Count_Every_Answer(string scenarioName, string countLine, string names)
    {
        var scenario = ScenarioCatalog.Scenarios.Single(s => s.Name == scenarioName);
        await using var servers = await StatisticsServers.StartAsync(scenario);
        await servers.SendAsync(users: 1, requestsEach: 5);
        using var http = new HttpClient();

        using var response = await http.GetAsync(servers.MetricsPage(scenario.Framework));
        string page = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains(countLine, page, StringComparison.Ordinal);
        Assert.All(names.Split(' '), name => Assert.Contains(name, page, StringComparison.Ordinal));
        Assert.NotEmpty(PrometheusText.Parse(page));
    }

    [Fact]
    public async Task A_Server_Without_Metrics_Gives_One_Line_Naming_What_Was_Tried()
    {
        // A port that was free a moment ago: nothing listens there.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var page = new Uri($"http://127.0.0.1:{port}/metrics");
        using var reader = StatisticsEndpoints.Reader(Framework.TorchServe, Protocol.Rest, new Uri("http://127.0.0.1:8080"), "resnet50", page);
        var failure = await Assert.ThrowsAsync<StatisticsUnavailableException>(() => reader.ReadAsync());

        Assert.StartsWith($"torchserve metrics {page}: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);

        using var probeOfStep = new ServingBench.Load.StepProbe(StatisticsEndpoints.Reader(Framework.TorchServe, Protocol.Rest, new Uri("http://127.0.0.1:8080"), "resnet50", page), null);
        Assert.Equal(failure.Message, await probeOfStep.CheckAsync(CancellationToken.None));
        var before = await probeOfStep.MarkAsync(CancellationToken.None);
        var figures = probeOfStep.Between(before, await probeOfStep.MarkAsync(CancellationToken.None), answered: 10);
        Assert.Null(figures.Split);
        Assert.Equal(failure.Message, figures.Statistics);
    }

    [Fact]
    public async Task The_Metrics_Port_Answers_Only_Its_Page()
    {
        await using var servers = await StatisticsServers.StartAsync(ScenarioCatalog.TorchServeRestRaw);
        using var http = new HttpClient { BaseAddress = servers.Address(Framework.TorchServe, EndpointRole.Metrics) };

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("predictions/resnet50")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, (await http.PostAsync("metrics", new StringContent(string.Empty))).StatusCode);
    }
}
