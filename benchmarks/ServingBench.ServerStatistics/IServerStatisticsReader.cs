namespace ServingBench.ServerStatistics;

/// <summary>Reads one served model's cumulative counters from a server's own statistics (emulator or real).</summary>
public interface IServerStatisticsReader : IDisposable
{
    /// <summary>What is read, for notes and reports: "triton statistics http://host:8000/v2/models/resnet50/stats".</summary>
    string Source { get; }

    /// <exception cref="StatisticsUnavailableException">Nothing usable came back; the message names <see cref="Source"/> and why.</exception>
    Task<ServerCounters> ReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>The HTTP side every reader shares: one client, a short deadline, and failures turned into one line.</summary>
internal static class StatisticsHttp
{
    /// <summary>A statistics page is small and local to the server: a few seconds is already a server that does not publish.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public static HttpClient CreateClient() => new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        Timeout = Deadline,
    };

    /// <summary>The body of a 200 answer to GET <paramref name="address"/>; anything else is a <see cref="StatisticsUnavailableException"/>.</summary>
    public static async Task<string> GetAsync(HttpClient client, Uri address, string source, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(address, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new StatisticsUnavailableException($"{source}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new StatisticsUnavailableException($"{source}: {OneLine(ex)}", ex);
        }
    }

    public static string OneLine(Exception ex) => ex switch
    {
        TaskCanceledException => $"no answer within {Deadline.TotalSeconds:0} s",
        _ => ex.GetBaseException().Message.ReplaceLineEndings(" "),
    };
}
