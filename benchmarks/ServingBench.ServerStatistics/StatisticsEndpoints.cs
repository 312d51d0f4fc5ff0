namespace ServingBench.ServerStatistics;

/// <summary>
/// Where a framework publishes its statistics, found from the address its inference requests go to (or given
/// outright), and the reader for it: Triton's statistics extension on the scenario's own endpoint (HTTP or gRPC),
/// TorchServe's metrics API on port 8082 of the same host, TF Serving's monitoring page on its REST port (8501 when
/// the scenario speaks gRPC on 8500).
/// </summary>
public static class StatisticsEndpoints
{
    public const int TorchServeMetricsPort = 8082;
    public const int TfServingRestPort = 8501;
    public const string TfServingMetricsPath = "/monitoring/prometheus/metrics";

    /// <param name="inference">Where the scenario's requests go.</param>
    /// <param name="statistics">
    /// Overrides the address: Triton's HTTP endpoint (<c>http://host:8000</c>), TorchServe's metrics endpoint
    /// (<c>http://host:8082</c>), TF Serving's REST endpoint (<c>http://host:8501</c>); a path, if it has one, is kept.
    /// </param>
    public static IServerStatisticsReader Reader(Framework framework, Protocol protocol, Uri inference, string model, Uri? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(inference);
        return framework switch
        {
            Framework.Triton => statistics is not null
                ? new TritonStatisticsReader(statistics, model, grpc: false)
                : new TritonStatisticsReader(inference, model, grpc: protocol == Protocol.Grpc),
            Framework.TorchServe => new PrometheusStatisticsReader(framework, Page(statistics ?? OnPort(inference, TorchServeMetricsPort), "/metrics"), model),
            Framework.TfServing => new PrometheusStatisticsReader(framework,
                Page(statistics ?? (protocol == Protocol.Rest ? inference : OnPort(inference, TfServingRestPort)), TfServingMetricsPath), model),
            _ => throw new ArgumentOutOfRangeException(nameof(framework)),
        };
    }

    private static Uri OnPort(Uri address, int port) => new UriBuilder(address.Scheme, address.Host, port).Uri;

    /// <summary>The page at <paramref name="defaultPath"/> unless the address already names a path.</summary>
    private static Uri Page(Uri address, string defaultPath) => address.AbsolutePath is "" or "/" ? new Uri(address, defaultPath) : address;
}
