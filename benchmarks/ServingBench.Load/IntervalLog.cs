using HdrHistogram;

namespace ServingBench.Load;

/// <summary>
/// A step's windows as an HdrHistogram interval log (<c>.hlog</c>, format 1.3): each window twice, tagged
/// <see cref="StepRecorder.LatencyTag"/> and <see cref="StepRecorder.ServiceTag"/>. HdrHistogram's own tools
/// (HistogramLogProcessor, HdrHistogramVisualizer) read it; logs of several workers merge by adding histograms.
/// Values are microseconds: give those tools <c>-outputValueUnitRatio 1000</c> to read milliseconds.
/// </summary>
public static class IntervalLog
{
    public const string Extension = ".hlog";

    public static void Write(string path, DateTimeOffset start, IEnumerable<(HistogramBase Latency, HistogramBase Service)> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);

        // HdrHistogram.NET writes its text as UTF-16; every other HdrHistogram tool reads ASCII. The log is ASCII
        // text either way (base64 payloads), so it is re-encoded before it reaches the disk.
        using var utf16 = new MemoryStream();
        HistogramLogWriter.Write(utf16, start.UtcDateTime, [.. windows.SelectMany(w => new[] { w.Latency, w.Service })]);
        utf16.Position = 0;
        using var reader = new StreamReader(utf16, detectEncodingFromByteOrderMarks: true);
        File.WriteAllText(path, reader.ReadToEnd(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>The log's histograms carrying <paramref name="tag"/>, in file order.</summary>
    public static IReadOnlyList<HistogramBase> Read(string path, string tag = StepRecorder.LatencyTag)
    {
        using var stream = File.OpenRead(path);
        using var reader = new HistogramLogReader(stream);
        return [.. reader.ReadHistograms().Where(h => h.Tag == tag)];
    }

    /// <summary>The log's latency and service histograms paired back into windows (in start order).</summary>
    public static IReadOnlyList<(HistogramBase Latency, HistogramBase Service)> ReadWindows(string path)
    {
        var latency = Read(path, StepRecorder.LatencyTag);
        var service = Read(path, StepRecorder.ServiceTag);
        if (latency.Count != service.Count)
        {
            throw new InvalidDataException($"{path}: {latency.Count} latency intervals but {service.Count} service intervals");
        }

        return [.. latency.Zip(service)];
    }
}
