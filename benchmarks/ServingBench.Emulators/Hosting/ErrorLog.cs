using System.Globalization;

namespace ServingBench.Emulators.Hosting;

/// <summary>
/// One line per server-side failure (a 5xx answer or an INTERNAL/UNAVAILABLE gRPC status), at most
/// <see cref="LinesPerSecond"/> a second: a server failing every request under load must not drown the console.
/// Lines beyond the limit are counted and reported once the second is over.
/// </summary>
public sealed class ErrorLog(TextWriter sink, TimeProvider? time = null)
{
    public const int LinesPerSecond = 10;

    /// <summary>Writes nowhere (tests and benchmarks that provoke errors on purpose).</summary>
    public static ErrorLog None { get; } = new(TextWriter.Null);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private long _windowStart = long.MinValue;
    private int _written;
    private int _suppressed;

    /// <summary>Logs <paramref name="error"/> if it is the server's fault; client mistakes (4xx) are the client's to see.</summary>
    public void Report(string server, string call, ServerError error, int status)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (status < 500)
        {
            return;
        }

        var now = _time.GetUtcNow();
        long second = now.ToUnixTimeSeconds();
        lock (_lock)
        {
            if (second != _windowStart)
            {
                if (_suppressed > 0)
                {
                    sink.WriteLine($"{Stamp(now)} {server}: {_suppressed} more errors in the previous second were not logged");
                }

                _windowStart = second;
                _written = 0;
                _suppressed = 0;
            }

            if (_written >= LinesPerSecond)
            {
                _suppressed++;
                return;
            }

            _written++;
            sink.WriteLine($"{Stamp(now)} {server}: {call} -> {status}: {error.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static string Stamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
