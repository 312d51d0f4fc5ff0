using System.Text;
using Prometheus;
using Encoding = System.Text.Encoding;

namespace ServingBench.Emulators.Statistics;

/// <summary>Writes one registry as the Prometheus text exposition format (version 0.0.4), as the real servers' pages are.</summary>
internal static class PrometheusPage
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <param name="names">
    /// Metric names to set on the way out (registered name → published name). prometheus-net refuses colons in a name
    /// (its check is older than the exposition format's grammar, which allows them), and TF Serving's names begin with
    /// one; so those metrics are registered under underscores and renamed here, the rest of the page being the library's.
    /// </param>
    public static async Task WriteAsync(HttpResponse response, CollectorRegistry registry, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? names = null)
    {
        // Rendered into memory first, so the answer carries a Content-Length as the emulators' other answers do.
        using var page = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(page, cancellationToken).ConfigureAwait(false);
        byte[] body = names is null ? page.ToArray() : Encoding.UTF8.GetBytes(Rename(Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length), names));
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Renames the metric of every <c># HELP</c>, <c># TYPE</c> and sample line, histogram series
    /// (<c>_bucket</c>, <c>_sum</c>, <c>_count</c>) included. Only a line's metric name is touched, never a label value.
    /// </summary>
    internal static string Rename(string page, IReadOnlyDictionary<string, string> names)
    {
        var text = new StringBuilder(page.Length + 256);
        foreach (string line in page.Split('\n'))
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            int start = line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) ? 7 : 0;
            int end = start;
            while (end < line.Length && line[end] != ' ' && line[end] != '{')
            {
                end++;
            }

            text.Append(line, 0, start).Append(Published(line[start..end], names)).Append(line, end, line.Length - end);
        }

        return text.ToString();
    }

    private static string Published(string name, IReadOnlyDictionary<string, string> names)
    {
        foreach (var (registered, published) in names)
        {
            if (name.StartsWith(registered, StringComparison.Ordinal) && name.AsSpan(registered.Length) is "" or "_bucket" or "_sum" or "_count")
            {
                return published + name[registered.Length..];
            }
        }

        return name;
    }
}
