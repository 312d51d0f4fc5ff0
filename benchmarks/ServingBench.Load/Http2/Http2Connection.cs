using System.Buffers.Binary;
using System.Net.Sockets;

namespace ServingBench.Load.Http2;

/// <summary>One unary gRPC request, encoded once: its HPACK header block and its length-prefixed message.</summary>
internal sealed record GrpcRequest(string Path, byte[] HeaderBlock, byte[] Message);

/// <summary>
/// One cleartext HTTP/2 connection (h2c, prior knowledge) carrying unary gRPC calls, many at a time: the client half of
/// RFC 9113 that a load generator needs, and nothing else. One task reads every frame; writers take turns.
/// </summary>
/// <remarks>
/// Flow control both ways: the connection advertises 2^30 − 1 bytes of window for itself and each stream (as h2load
/// does) and gives the bytes back once half is used; its own sends wait for the server's windows. Every header block is
/// decoded, a stream's or not, to keep the HPACK table in step. What the server sends is held to <see cref="Http2Limits"/>.
/// A stream error (RFC 9113 §5.4.2) resets and fails its call only; a connection error, a write past its deadline, an
/// unanswered PING or a closed socket fails every call the connection holds and retires it; after GOAWAY it takes no
/// new calls and closes once its last call has ended. The sender opens another connection for the calls that follow.
/// </remarks>
internal sealed class Http2Connection : IDisposable
{
    /// <summary>What this side advertises for the connection and for every stream it opens.</summary>
    internal const int ReceiveWindow = (1 << 30) - 1;

    /// <summary>Streams the server allows at once until its SETTINGS say (RFC 9113 recommends at least 100).</summary>
    private const int AssumedMaxStreams = 100;

    private readonly Socket _socket;
    private readonly Http2Limits _limits;
    private readonly Http2FrameReader _reader;
    private readonly Http2Watchdog _watchdog;
    private readonly HpackDecoder _hpack;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _state = new();
    private readonly Dictionary<int, GrpcCall> _calls = [];
    private readonly byte[] _frameScratch = new byte[Http2Frame.HeaderLength + Http2Frame.DefaultMaxFrameSize];
    private TaskCompletionSource _windowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connectionSendWindow = Http2Frame.DefaultWindowSize;
    private int _peerInitialWindow = Http2Frame.DefaultWindowSize;
    private int _maxStreams = AssumedMaxStreams;
    private int _activeStreams;
    private long _connectionUnacknowledged;
    private int _nextStreamId = 1;
    private ServingException? _closedBecause;
    private bool _finished;
    private GrpcRequest? _templateRequest;
    private byte[] _template = [];

    /// <param name="socket">Connected to the server.</param>
    private Http2Connection(Socket socket, Http2Limits limits)
    {
        _socket = socket;
        _limits = limits;
        _reader = new Http2FrameReader(new NetworkStream(socket, ownsSocket: false), limits);
        _hpack = new HpackDecoder(maxHeaderListSize: limits.MaxHeaderListSize);
        _watchdog = new Http2Watchdog(limits, () => _reader.LastReceivedAt, reason => Close(reason), SendControlInBackground);
    }

    /// <summary>Whether new calls may start here (not closed, not going away, stream ids left).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_state)
            {
                return _closedBecause is null && _nextStreamId < int.MaxValue - 2;
            }
        }
    }

    /// <summary>Whether the socket is closed: no call is left on the connection, and it needs nothing more.</summary>
    public bool IsFinished
    {
        get
        {
            lock (_state)
            {
                return _finished;
            }
        }
    }

    /// <summary>The server's SETTINGS_MAX_CONCURRENT_STREAMS (100 until it says).</summary>
    public int MaxConcurrentStreams
    {
        get
        {
            lock (_state)
            {
                return _maxStreams;
            }
        }
    }

    /// <summary>Connects, exchanges prefaces and SETTINGS, and starts the reader.</summary>
    public static async Task<Http2Connection> OpenAsync(string host, int port, Http2Limits limits, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new Http2Connection(socket, limits);
        try
        {
            byte[] settings = Http2Frame.Settings(
                0, (SettingId.EnablePush, 0), (SettingId.InitialWindowSize, ReceiveWindow), (SettingId.MaxHeaderListSize, (uint)limits.MaxHeaderListSize));
            byte[] opening = [.. Http2Frame.ClientPreface, .. settings, .. Http2Frame.WindowUpdate(0, ReceiveWindow - Http2Frame.DefaultWindowSize)];
            await socket.SendAsync(opening, SocketFlags.None, cancellationToken).ConfigureAwait(false);

            // The server's preface is a SETTINGS frame; calls wait for it so that they start with its windows and limits.
            var first = await connection._reader.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (first.Type != FrameType.Settings || first.Has(FrameFlags.Ack))
            {
                throw new IOException($"{host}:{port} does not speak cleartext HTTP/2: its first frame is {first.Type}, not SETTINGS");
            }

            await connection.ProcessFrameAsync(first).ConfigureAwait(false);
            connection._watchdog.Start();
            // The reader ends by itself when the socket closes; it fails the calls it strands, so nothing awaits it.
            _ = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
        }
        catch (Http2ProtocolException ex)
        {
            connection.Dispose();
            throw Http2Failures.Internal($"{host}:{port} broke HTTP/2 while the connection opened: {ex.Message}", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes one of the server's concurrent streams for a call; false when all are taken or the connection is done.</summary>
    public bool TryReserveStream()
    {
        lock (_state)
        {
            if (_closedBecause is not null || _activeStreams >= _maxStreams || _nextStreamId >= int.MaxValue - 2)
            {
                return false;
            }

            _activeStreams++;
            return true;
        }
    }

    /// <summary>Sends <paramref name="request"/> on a new stream (reserved before) and completes when its answer has ended.</summary>
    /// <exception cref="ServingException">
    /// The server refused the call (a gRPC status other than OK, or an HTTP status other than 200), reset its stream,
    /// or the connection failed under it (Unavailable when lost or given up, Internal when the server broke the protocol).
    /// </exception>
    public async Task CallAsync(GrpcRequest request, CancellationToken cancellationToken)
    {
        var call = new GrpcCall(request.Path);
        try
        {
            await WriteRequestAsync(call, request, cancellationToken).ConfigureAwait(false);
            await call.Outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(call);
            throw;
        }
        finally
        {
            lock (_state)
            {
                _activeStreams--;
            }
        }
    }

    public void Dispose() => Close(Http2Failures.Unavailable("the connection was disposed"));

    /// <remarks>
    /// A socket write is not cancelled by the caller: a frame cut off halfway would corrupt every stream after it. The
    /// caller's token stops the waits (for the write lock, for window) instead, and an abandoned stream is reset. The
    /// watchdog bounds the write itself: past <see cref="Http2Limits.WriteTimeout"/> it closes the socket, which ends
    /// the write and releases the lock. Every way a call can fail arrives through <see cref="GrpcCall.Outcome"/>.
    /// </remarks>
    private async Task WriteRequestAsync(GrpcCall call, GrpcRequest request, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool locked = true;
        try
        {
            int messageLength = request.Message.Length;
            bool oneWrite;
            lock (_state)
            {
                if (_closedBecause is { } closed)
                {
                    call.Fail(closed);
                    return;
                }

                // Stream ids must rise in the order of their HEADERS frames: taken and sent under the write lock.
                call.StreamId = _nextStreamId;
                _nextStreamId += 2;
                call.SendWindow = _peerInitialWindow;
                _calls.Add(call.StreamId, call);

                // The common case: the whole message fits one DATA frame and both windows; one write, no encoding.
                oneWrite = messageLength <= Http2Frame.DefaultMaxFrameSize && messageLength <= _connectionSendWindow && messageLength <= call.SendWindow;
                if (oneWrite)
                {
                    _connectionSendWindow -= messageLength;
                    call.SendWindow -= messageLength;
                }
            }

            if (oneWrite)
            {
                await SendAsync(TemplateFor(request, call.StreamId)).ConfigureAwait(false);
                return;
            }

            // A large message: HEADERS, then DATA frames as the windows allow, the write lock released while waiting.
            if (!await SendFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, call.StreamId, request.HeaderBlock).ConfigureAwait(false))
            {
                return;
            }

            int sent = 0;
            while (sent < messageLength)
            {
                int chunk;
                Task windowChanged;
                lock (_state)
                {
                    if (!_calls.ContainsKey(call.StreamId))
                    {
                        // Reset, failed by a stream error, or stranded by the connection: its outcome is set.
                        return;
                    }

                    chunk = (int)Math.Min(Math.Min(_connectionSendWindow, call.SendWindow), Math.Min(Http2Frame.DefaultMaxFrameSize, messageLength - sent));
                    if (chunk > 0)
                    {
                        _connectionSendWindow -= chunk;
                        call.SendWindow -= chunk;
                    }

                    windowChanged = _windowChanged.Task;
                }

                if (chunk > 0)
                {
                    byte flags = sent + chunk == messageLength ? FrameFlags.EndStream : (byte)0;
                    if (!await SendFrameAsync(FrameType.Data, flags, call.StreamId, request.Message.AsMemory(sent, chunk)).ConfigureAwait(false))
                    {
                        return;
                    }

                    sent += chunk;
                    continue;
                }

                _writeLock.Release();
                locked = false;
                await windowChanged.WaitAsync(cancellationToken).ConfigureAwait(false);
                await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                locked = true;
            }
        }
        finally
        {
            if (locked)
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>The HEADERS and DATA frames of a one-frame request, built once per request and stamped with the stream id.</summary>
    private byte[] TemplateFor(GrpcRequest request, int streamId)
    {
        int headersLength = Http2Frame.HeaderLength + request.HeaderBlock.Length;
        if (!ReferenceEquals(_templateRequest, request))
        {
            _template = new byte[headersLength + Http2Frame.HeaderLength + request.Message.Length];
            Http2Frame.WriteHeader(_template, request.HeaderBlock.Length, FrameType.Headers, FrameFlags.EndHeaders, 0);
            request.HeaderBlock.CopyTo(_template, Http2Frame.HeaderLength);
            Http2Frame.WriteHeader(_template.AsSpan(headersLength), request.Message.Length, FrameType.Data, FrameFlags.EndStream, 0);
            request.Message.CopyTo(_template, headersLength + Http2Frame.HeaderLength);
            _templateRequest = request;
        }

        BinaryPrimitives.WriteInt32BigEndian(_template.AsSpan(5), streamId);
        BinaryPrimitives.WriteInt32BigEndian(_template.AsSpan(headersLength + 5), streamId);
        return _template;
    }

    /// <summary>Writes one frame; the caller holds the write lock. False when the connection failed instead.</summary>
    private ValueTask<bool> SendFrameAsync(FrameType type, byte flags, int streamId, ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > Http2Frame.DefaultMaxFrameSize)
        {
            throw new InvalidOperationException($"a {payload.Length}-byte {type} frame exceeds the {Http2Frame.DefaultMaxFrameSize}-byte frame size (a header block this large needs CONTINUATION frames)");
        }

        Http2Frame.WriteHeader(_frameScratch, payload.Length, type, flags, streamId);
        payload.Span.CopyTo(_frameScratch.AsSpan(Http2Frame.HeaderLength));
        return SendAsync(_frameScratch.AsMemory(0, Http2Frame.HeaderLength + payload.Length));
    }

    /// <summary>
    /// One socket write under the watchdog's deadline; the caller holds the write lock. A write that fails leaves the
    /// framing unknown, so the connection cannot carry another frame: it is closed, and false returned.
    /// </summary>
    private async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        _watchdog.WriteStarted();
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Close(Http2Failures.Unavailable("sending to the server failed: " + ex.Message, ex));
            return false;
        }
        finally
        {
            _watchdog.WriteEnded();
        }
    }

    /// <summary>Writes a control frame (an ACK, a WINDOW_UPDATE, an RST_STREAM, a PING) between other writers' frames.</summary>
    private async Task SendControlAsync(byte[] frame)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!IsFinished)
            {
                await SendAsync(frame).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends a control frame without waiting for it (from the watchdog's timer, or for a stream given up).</summary>
    private void SendControlInBackground(byte[] frame) =>
        _ = SendControlAsync(frame).ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>The caller gave up on a call: its stream is reset and forgotten; frames still arriving for it are dropped.</summary>
    private void Abandon(GrpcCall call)
    {
        bool open;
        lock (_state)
        {
            open = call.StreamId != 0 && _calls.Remove(call.StreamId) && !_finished;
        }

        if (open)
        {
            SendControlInBackground(Http2Frame.RstStream(call.StreamId, Http2ErrorCode.Cancel));
        }

        FinishIfDrained();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await _reader.ReadFrameAsync(CancellationToken.None).ConfigureAwait(false);
                await ProcessFrameAsync(frame).ConfigureAwait(false);
            }
        }
        catch (Http2ProtocolException ex)
        {
            Close(Http2Failures.Internal($"the server broke HTTP/2 (this client sent GOAWAY {ex.ErrorCode}): {ex.Message}", ex), ex.ErrorCode);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Close(Http2Failures.Unavailable(ex is IOException ? ex.Message : "reading from the server failed: " + ex.Message, ex));
        }
    }

    /// <summary>Acts on one frame whose payload is at the reader's <see cref="Http2FrameReader.Payload"/>.</summary>
    private async Task ProcessFrameAsync(Http2Frame frame)
    {
        var payload = _reader.Payload;
        switch (frame.Type)
        {
            case FrameType.Data:
                await OnDataAsync(frame, payload).ConfigureAwait(false);
                break;
            case FrameType.Headers:
                DecodeHeaderBlock(frame, payload.Span);
                break;
            case FrameType.RstStream:
                RequireLength(frame, 4, onStream: true);
                Finish(frame.StreamId, call => call.Reset((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload.Span)));
                break;
            case FrameType.Settings:
                RequireConnection(frame);
                if (frame.Has(FrameFlags.Ack))
                {
                    RequireLength(frame, 0, onStream: false);
                }
                else
                {
                    ApplySettings(payload.Span);
                    await SendControlAsync(Http2Frame.Settings(FrameFlags.Ack)).ConfigureAwait(false);
                }

                break;
            case FrameType.Ping:
                RequireLength(frame, 8, onStream: false);
                if (frame.Has(FrameFlags.Ack))
                {
                    _watchdog.OnPingAck(payload.Span);
                }
                else
                {
                    await SendControlAsync(Http2Frame.PingAck(payload.Span)).ConfigureAwait(false);
                }

                break;
            case FrameType.GoAway:
                RequireConnection(frame);
                OnGoAway(payload.Span);
                break;
            case FrameType.WindowUpdate:
                RequireLength(frame, 4, onStream: null);
                await OnWindowUpdateAsync(frame.StreamId, BinaryPrimitives.ReadInt32BigEndian(payload.Span) & int.MaxValue).ConfigureAwait(false);
                break;
            case FrameType.PushPromise:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "HTTP/2: PUSH_PROMISE although this client disabled push");
            default:
                // PRIORITY and unknown types are ignored (RFC 9113 §4.1, §5.5); the reader refuses a stray CONTINUATION.
                break;
        }
    }

    private async Task OnDataAsync(Http2Frame frame, ReadOnlyMemory<byte> payload)
    {
        GrpcCall? call;
        int streamUpdate = 0;
        int connectionUpdate = 0;
        lock (_state)
        {
            _calls.TryGetValue(frame.StreamId, out call);
            // Flow control counts the whole payload, padding included, whether or not the stream is still wanted.
            _connectionUnacknowledged += frame.Length;
            if (_connectionUnacknowledged > ReceiveWindow)
            {
                throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, $"HTTP/2: the server sent {_connectionUnacknowledged} bytes of DATA on a {ReceiveWindow}-byte connection window");
            }

            if (_connectionUnacknowledged >= ReceiveWindow / 2)
            {
                connectionUpdate = (int)_connectionUnacknowledged;
                _connectionUnacknowledged = 0;
            }

            if (call is not null)
            {
                call.UnacknowledgedBytes += frame.Length;
                if (call.UnacknowledgedBytes >= ReceiveWindow / 2 && !frame.Has(FrameFlags.EndStream))
                {
                    streamUpdate = (int)call.UnacknowledgedBytes;
                    call.UnacknowledgedBytes = 0;
                }
            }
        }

        if (connectionUpdate > 0)
        {
            await SendControlAsync(Http2Frame.WindowUpdate(0, connectionUpdate)).ConfigureAwait(false);
        }

        if (streamUpdate > 0)
        {
            await SendControlAsync(Http2Frame.WindowUpdate(frame.StreamId, streamUpdate)).ConfigureAwait(false);
        }

        if (call is null)
        {
            return;
        }

        call.OnData(payload.Span);
        if (frame.Has(FrameFlags.EndStream))
        {
            // gRPC ends an answer with trailers; data that ends the stream left no grpc-status (GrpcCall says so).
            Finish(frame.StreamId, static call => call.End());
        }
    }

    private void DecodeHeaderBlock(Http2Frame frame, ReadOnlySpan<byte> block)
    {
        GrpcCall? call;
        lock (_state)
        {
            _calls.TryGetValue(frame.StreamId, out call);
        }

        _hpack.Decode(block, call ?? (IHeaderSink)IgnoredHeaders.Instance);
        if (call is not null && frame.Has(FrameFlags.EndStream))
        {
            Finish(frame.StreamId, static call => call.End());
        }
    }

    private void ApplySettings(ReadOnlySpan<byte> payload)
    {
        if (payload.Length % 6 != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"HTTP/2: a SETTINGS payload of {payload.Length} bytes is not a whole number of settings");
        }

        lock (_state)
        {
            for (int i = 0; i < payload.Length; i += 6)
            {
                ushort id = BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
                uint value = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
                switch (id)
                {
                    case SettingId.EnablePush when value != 0:
                        throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: a server sent SETTINGS_ENABLE_PUSH {value} (RFC 9113 §6.5.2)");
                    case SettingId.MaxConcurrentStreams:
                        _maxStreams = (int)Math.Min(value, int.MaxValue);
                        break;
                    case SettingId.InitialWindowSize when value > Http2Frame.MaxWindowSize:
                        throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, $"HTTP/2: SETTINGS_INITIAL_WINDOW_SIZE {value} exceeds 2^31 - 1");
                    case SettingId.InitialWindowSize:
                        // The change applies to every open stream's window too, and may not lift one past 2^31 − 1 (RFC 9113 §6.9.2).
                        int delta = (int)value - _peerInitialWindow;
                        if (_calls.Values.Any(call => call.SendWindow + delta > Http2Frame.MaxWindowSize))
                        {
                            throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, $"HTTP/2: SETTINGS_INITIAL_WINDOW_SIZE {value} lifts a stream's window past 2^31 - 1");
                        }

                        _peerInitialWindow = (int)value;
                        foreach (var call in _calls.Values)
                        {
                            call.SendWindow += delta;
                        }

                        break;
                    case SettingId.MaxFrameSize when value < Http2Frame.DefaultMaxFrameSize || value > 0xFFFFFF:
                        throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: SETTINGS_MAX_FRAME_SIZE {value} is outside 2^14 to 2^24 - 1");
                    default:
                        // HEADER_TABLE_SIZE bounds the encoder's table, which this client never uses (it does not
                        // index); MAX_FRAME_SIZE may only raise the 16 KB every frame it sends stays within.
                        break;
                }
            }

            SignalWindowChange();
        }
    }

    /// <summary>
    /// WINDOW_UPDATE (RFC 9113 §6.9): an increment of 0, or one that lifts a window past 2^31 − 1, is an error of the
    /// stream it names (the stream is reset and its call fails) or, on stream 0, of the connection.
    /// </summary>
    private async Task OnWindowUpdateAsync(int streamId, int increment)
    {
        GrpcCall? broken = null;
        Http2ErrorCode error = Http2ErrorCode.NoError;
        string problem = string.Empty;
        lock (_state)
        {
            if (streamId == 0)
            {
                if (increment == 0)
                {
                    throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "HTTP/2: a WINDOW_UPDATE of 0 on the connection (RFC 9113 §6.9)");
                }

                if (_connectionSendWindow + increment > Http2Frame.MaxWindowSize)
                {
                    throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, $"HTTP/2: a WINDOW_UPDATE of {increment} lifts the connection's window past 2^31 - 1 (RFC 9113 §6.9.1)");
                }

                _connectionSendWindow += increment;
            }
            else if (_calls.TryGetValue(streamId, out var call))
            {
                if (increment == 0 || call.SendWindow + increment > Http2Frame.MaxWindowSize)
                {
                    (error, problem) = increment == 0
                        ? (Http2ErrorCode.ProtocolError, $"a WINDOW_UPDATE of 0 on stream {streamId} (RFC 9113 §6.9)")
                        : (Http2ErrorCode.FlowControlError, $"a WINDOW_UPDATE of {increment} lifts stream {streamId}'s window past 2^31 - 1 (RFC 9113 §6.9.1)");
                    _calls.Remove(streamId);
                    broken = call;
                }
                else
                {
                    call.SendWindow += increment;
                }
            }

            // A WINDOW_UPDATE for a stream that has ended is allowed, and ignored (RFC 9113 §6.9).
            SignalWindowChange();
        }

        if (broken is not null)
        {
            broken.Fail(Http2Failures.Internal($"the server sent {problem}; this client reset the stream ({error})"));
            await SendControlAsync(Http2Frame.RstStream(streamId, error)).ConfigureAwait(false);
            FinishIfDrained();
        }
    }

    /// <summary>GOAWAY: calls above the last stream the server will process fail as Unavailable; no new call starts here.</summary>
    private void OnGoAway(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 8)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, "HTTP/2: GOAWAY shorter than 8 bytes");
        }

        int lastStreamId = BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue;
        var error = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        var goneAway = Http2Failures.Unavailable($"the server sent GOAWAY ({error}) before processing the call");
        List<GrpcCall> stranded;
        lock (_state)
        {
            _closedBecause ??= goneAway;
            stranded = [.. _calls.Values.Where(c => c.StreamId > lastStreamId)];
            foreach (var call in stranded)
            {
                _calls.Remove(call.StreamId);
            }

            SignalWindowChange();
        }

        foreach (var call in stranded)
        {
            call.Fail(goneAway);
        }

        FinishIfDrained();
    }

    /// <summary>Removes a stream's call and completes it outside the lock (its continuation may start the next call).</summary>
    private void Finish(int streamId, Action<GrpcCall> complete)
    {
        GrpcCall? call;
        lock (_state)
        {
            _calls.Remove(streamId, out call);
        }

        if (call is not null)
        {
            complete(call);
            FinishIfDrained();
        }
    }

    /// <summary>After GOAWAY the connection closes as soon as its last call has ended: nothing else will use it.</summary>
    private void FinishIfDrained()
    {
        // The common case, a connection in use, without taking the lock (the flag is set once, under it).
        if (Volatile.Read(ref _closedBecause) is null)
        {
            return;
        }

        ServingException? reason;
        lock (_state)
        {
            reason = _closedBecause is not null && !_finished && _calls.Count == 0 ? _closedBecause : null;
        }

        if (reason is not null)
        {
            Close(reason);
        }
    }

    /// <summary>
    /// Retires the connection: every call still waiting fails with <paramref name="reason"/>, writers waiting for window
    /// wake, the watchdog stops, and the socket closes (after a GOAWAY carrying <paramref name="goAway"/>, if given).
    /// </summary>
    private void Close(ServingException reason, Http2ErrorCode? goAway = null)
    {
        List<GrpcCall> stranded;
        lock (_state)
        {
            _closedBecause ??= reason;
            stranded = [.. _calls.Values];
            _calls.Clear();
            SignalWindowChange();
            if (_finished)
            {
                goAway = null;
            }

            _finished = true;
        }

        foreach (var call in stranded)
        {
            call.Fail(reason);
        }

        _watchdog.Dispose();
        if (goAway is { } error)
        {
            _ = SendGoAwayThenCloseAsync(error);
        }
        else
        {
            _socket.Dispose();
        }
    }

    /// <summary>A connection error's GOAWAY (RFC 9113 §5.4.1), sent if the socket takes it within the write deadline.</summary>
    private async Task SendGoAwayThenCloseAsync(Http2ErrorCode error)
    {
        try
        {
            if (await _writeLock.WaitAsync(_limits.WriteTimeout).ConfigureAwait(false))
            {
                try
                {
                    using var deadline = new CancellationTokenSource(_limits.WriteTimeout);
                    await _socket.SendAsync(Http2Frame.GoAway(error), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The GOAWAY is a courtesy: the connection is dropped either way.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>Wakes writers waiting for window (called under the state lock).</summary>
    private void SignalWindowChange()
    {
        var changed = _windowChanged;
        _windowChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <param name="onStream">Whether the frame type belongs to a stream (true), to the connection (false), or either (null).</param>
    private static void RequireLength(Http2Frame frame, int length, bool? onStream)
    {
        if (onStream is bool stream && stream != (frame.StreamId != 0))
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: {frame.Type} on stream {frame.StreamId}");
        }

        if (frame.Length != length)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"HTTP/2: a {frame.Type} frame of {frame.Length} bytes, not {length}");
        }
    }

    private static void RequireConnection(Http2Frame frame)
    {
        if (frame.StreamId != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: {frame.Type} on stream {frame.StreamId}, not on the connection");
        }
    }

    /// <summary>The sink for header blocks of streams nobody waits for: decoded for the table's sake, then dropped.</summary>
    private sealed class IgnoredHeaders : IHeaderSink
    {
        public static readonly IgnoredHeaders Instance = new();

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
        }
    }
}
