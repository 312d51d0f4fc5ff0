using System.Buffers.Binary;

namespace ServingBench.Load.Http2;

/// <summary>
/// Gives up a connection that stopped working without saying so: a socket write that does not finish (the server
/// stopped reading) and a PING that goes unanswered (the server, or the path to it, is gone). A timer looks at both a
/// few times within each limit, so the hot path only stamps the start and end of its writes.
/// </summary>
internal sealed class Http2Watchdog : IDisposable
{
    private const long None = long.MinValue;

    private readonly Http2Limits _limits;
    private readonly Func<long> _lastReceivedAt;
    private readonly Action<ServingException> _giveUp;
    private readonly Action<byte[]> _sendPing;
    private readonly Timer _timer;
    private readonly object _ping = new();
    private long _writeStartedAt = None;
    private long _pingSentAt = None;
    private long _silencePinged = None;
    private long _pingCount;

    /// <param name="limits">The write deadline and the PING's timing.</param>
    /// <param name="lastReceivedAt">When bytes last arrived from the server (<see cref="Environment.TickCount64"/>).</param>
    /// <param name="giveUp">Fails the connection's calls and closes it; called at most once per problem, from the timer.</param>
    /// <param name="sendPing">Queues a PING frame for writing; must not block.</param>
    public Http2Watchdog(Http2Limits limits, Func<long> lastReceivedAt, Action<ServingException> giveUp, Action<byte[]> sendPing)
    {
        _limits = limits;
        _lastReceivedAt = lastReceivedAt;
        _giveUp = giveUp;
        _sendPing = sendPing;
        _timer = new Timer(static state => ((Http2Watchdog)state!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts checking: once the connection's prefaces are exchanged, so that a PING never precedes them.</summary>
    public void Start() => _timer.Change(_limits.CheckInterval, _limits.CheckInterval);

    public void WriteStarted() => Volatile.Write(ref _writeStartedAt, Environment.TickCount64);

    public void WriteEnded() => Volatile.Write(ref _writeStartedAt, None);

    /// <summary>A PING ACK arrived: if it answers this watchdog's PING, the server is there.</summary>
    public void OnPingAck(ReadOnlySpan<byte> payload)
    {
        lock (_ping)
        {
            if (_pingSentAt != None && BinaryPrimitives.ReadInt64BigEndian(payload) == _pingCount)
            {
                _pingSentAt = None;
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        long now = Environment.TickCount64;
        long writeStarted = Volatile.Read(ref _writeStartedAt);
        if (writeStarted != None && now - writeStarted >= (long)_limits.WriteTimeout.TotalMilliseconds)
        {
            _giveUp(Http2Failures.Unavailable($"a write to the server did not finish within {Seconds(_limits.WriteTimeout)}: the server stopped reading"));
            return;
        }

        byte[]? ping = null;
        lock (_ping)
        {
            long lastReceived = _lastReceivedAt();
            if (_pingSentAt != None)
            {
                if (now - _pingSentAt >= (long)_limits.PingTimeout.TotalMilliseconds)
                {
                    _pingSentAt = None;
                    _giveUp(Http2Failures.Unavailable($"the server did not answer a PING within {Seconds(_limits.PingTimeout)}"));
                }
            }
            else if (now - lastReceived >= (long)_limits.PingAfterSilence.TotalMilliseconds && lastReceived != _silencePinged)
            {
                _silencePinged = lastReceived;
                _pingSentAt = now;
                var opaque = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(opaque, ++_pingCount);
                ping = Http2Frame.Ping(0, opaque);
            }
        }

        if (ping is not null)
        {
            _sendPing(ping);
        }
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.###} s";
}
