using HdrHistogram;
using ServingBench.Reports.Comparison;
using ServingBench.Reports.Load;

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

    /// <summary>
    /// Each window of <paramref name="step"/>'s interval log in <paramref name="loadDirectory"/> as the figures a
    /// comparison tests: answers per second over the window's own length, p50 and p99. Null when the log is missing.
    /// </summary>
    public static IReadOnlyList<WindowFigures>? StepWindows(string loadDirectory, LoadStepSummary step)
    {
        ArgumentNullException.ThrowIfNull(step);
        string path = Path.Combine(loadDirectory, StepLabels.FileStem(step) + Extension);
        if (!File.Exists(path))
        {
            return null;
        }

        return [.. Read(path).Select(window =>
        {
            double seconds = (window.EndTimeStamp - window.StartTimeStamp) / 1000.0;
            bool answered = window.TotalCount > 0;
            return new WindowFigures(
                seconds > 0 ? window.TotalCount / seconds : 0,
                answered ? window.GetValueAtPercentile(50) : null,
                answered ? window.GetValueAtPercentile(99) : null);
        })];
    }
}
