using ServingBench.ServerStatistics;

namespace ServingBench.Tests.Statistics;

/// <summary>The reader of Prometheus pages, against lines as the real servers write them.</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Samples_Keep_Their_Labels_Escapes_And_Special_Values()
    {
        var samples = PrometheusText.Parse("""
            # HELP ts_inference_latency_microseconds Cumulative inference duration in microseconds
            # TYPE ts_inference_latency_microseconds counter
            ts_inference_latency_microseconds{uuid="d5f84dfb",model_name="noop",model_version="default",} 1990.348
            :tensorflow:serving:request_latency_bucket{model_name="m",API="Predict",entrypoint="REST",le="+Inf"} 7
            odd{path="a\"b\\c\nd"} NaN
            bare 3 1700000000000
            """);

        Assert.Equal(4, samples.Count);
        Assert.Equal(("noop", "default", 1990.348), (samples[0].Label("model_name"), samples[0].Label("model_version"), samples[0].Value));
        Assert.Equal(("+Inf", 7.0), (samples[1].Label("le"), samples[1].Value));
        Assert.Equal(":tensorflow:serving:request_latency_bucket", samples[1].Name);
        Assert.Equal("a\"b\\c\nd", samples[2].Label("path"));
        Assert.True(double.IsNaN(samples[2].Value));
        Assert.Equal(("bare", 3.0), (samples[3].Name, samples[3].Value));
    }

    [Theory]
    [InlineData("<html>Not Found</html>")]
    [InlineData("metric{label=\"unterminated} 1")]
    [InlineData("metric_without_value")]
    public void A_Page_That_Is_Not_Prometheus_Text_Is_Refused_Naming_The_Line(string line)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusText.Parse(line));
        Assert.Contains(line[..5], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TorchServe_And_TfServing_Pages_Map_Onto_One_Vocabulary()
    {
        var torchServe = PrometheusStatisticsReader.TorchServe(PrometheusText.Parse("""
            ts_inference_requests_total{uuid="u",model_name="resnet50",model_version="default"} 10
            ts_inference_requests_total{uuid="u",model_name="resnet50",model_version="1.0"} 2
            ts_inference_requests_total{uuid="u",model_name="bart",model_version="default"} 99
            ts_inference_latency_microseconds{uuid="u",model_name="resnet50",model_version="default"} 1200
            ts_queue_latency_microseconds{uuid="u",model_name="resnet50",model_version="default"} 200
            """), "resnet50", "test");
        Assert.Equal(new ServerCounters(12, 1.2e6, 0.2e6, null, 1.0e6, null), torchServe);

        var tfServing = PrometheusStatisticsReader.TfServing(PrometheusText.Parse("""
            :tensorflow:serving:request_latency_sum{model_name="resnet50",API="Predict",entrypoint="GRPC"} 3000
            :tensorflow:serving:request_latency_count{model_name="resnet50",API="Predict",entrypoint="GRPC"} 3
            :tensorflow:serving:request_latency_count{model_name="resnet50",API="Classify",entrypoint="GRPC"} 40
            :tensorflow:serving:runtime_latency_sum{model_name="resnet50",API="Predict",runtime="TF1"} 2400
            """), "resnet50", "test");
        Assert.Equal(new ServerCounters(3, 3e6, null, null, 2.4e6, null), tfServing);
    }

    [Fact]
    public void A_Page_Without_The_Frameworks_Names_Publishes_Nothing_Usable()
    {
        var error = Assert.Throws<StatisticsUnavailableException>(() =>
            PrometheusStatisticsReader.TorchServe(PrometheusText.Parse("Requests2XX{Level=\"Host\"} 5"), "resnet50", "torchserve metrics http://h:8082/metrics"));
        Assert.Equal("torchserve metrics http://h:8082/metrics: the page has no ts_inference_requests_total", error.Message);
    }

    [Theory]
    [InlineData("tfserving", "grpc", "http://host:8500", null, "http://host:8501/monitoring/prometheus/metrics")]
    [InlineData("tfserving", "rest", "http://host:9501", null, "http://host:9501/monitoring/prometheus/metrics")]
    [InlineData("torchserve", "grpc", "http://host:7070", null, "http://host:8082/metrics")]
    [InlineData("torchserve", "rest", "http://host:8080", "http://other:9082", "http://other:9082/metrics")]
    [InlineData("torchserve", "rest", "http://host:8080", "http://other:9082/custom/page", "http://other:9082/custom/page")]
    public void Statistics_Are_Found_From_The_Scenarios_Address_Unless_Given(string framework, string protocol, string inference, string? given, string expected)
    {
        var f = framework == "tfserving" ? Framework.TfServing : Framework.TorchServe;
        var p = protocol == "grpc" ? Protocol.Grpc : Protocol.Rest;
        using var reader = StatisticsEndpoints.Reader(f, p, new Uri(inference), "resnet50", given is null ? null : new Uri(given));
        Assert.EndsWith(expected, reader.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Triton_Statistics_Are_Read_On_The_Scenarios_Own_Endpoint()
    {
        using var grpc = StatisticsEndpoints.Reader(Framework.Triton, Protocol.Grpc, new Uri("http://host:8001"), "resnet50");
        using var rest = StatisticsEndpoints.Reader(Framework.Triton, Protocol.Rest, new Uri("http://host:8000"), "resnet50");
        Assert.Equal("triton statistics gRPC ModelStatistics at http://host:8001/ (model resnet50)", grpc.Source);
        Assert.Equal("triton statistics http://host:8000/v2/models/resnet50/stats", rest.Source);
    }
}
