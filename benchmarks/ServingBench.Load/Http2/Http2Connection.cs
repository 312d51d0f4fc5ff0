using System.Buffers.Binary;
using System.Net.Sockets;
using Grpc.Core;
using ServingBench.Wire.Clients;

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
/// decoded, a stream's or not, to keep the HPACK table in step. A protocol error, GOAWAY or a closed socket fails the
/// calls it strands and retires the connection; the sender opens another.
/// </remarks>
internal sealed class Http2Connection : IDisposable
{
    /// <summary>What this side advertises for the connection and for every stream it opens.</summary>
    internal const int ReceiveWindow = (1 << 30) - 1;

    /// <summary>Streams the server allows at once until its SETTINGS say (RFC 9113 recommends at least 100).</summary>
    private const int AssumedMaxStreams = 100;

    /// <summary>A header block larger than this (HEADERS plus CONTINUATION) fails the connection.</summary>
    private const int MaxHeaderBlockBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly object _state = new();
    private readonly Dictionary<int, GrpcCall> _calls = [];
    private readonly HpackDecoder _hpack = new();
    private readonly byte[] _frameScratch = new byte[Http2Frame.HeaderLength + Http2Frame.DefaultMaxFrameSize];
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _readStart;
    private int _readEnd;
    private TaskCompletionSource _windowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connectionSendWindow = Http2Frame.DefaultWindowSize;
    private int _peerInitialWindow = Http2Frame.DefaultWindowSize;
    private int _maxStreams = AssumedMaxStreams;
    private int _activeStreams;
    private long _connectionUnacknowledged;
    private int _nextStreamId = 1;
    private Exception? _closedBecause;
    private GrpcRequest? _templateRequest;
    private byte[] _template = [];

    private Http2Connection(Socket socket) => _socket = socket;

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
    public static async Task<Http2Connection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new Http2Connection(socket);
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            byte[] settings = Http2Frame.Settings(0, (SettingId.EnablePush, 0), (SettingId.InitialWindowSize, ReceiveWindow));
            byte[] opening = [.. Http2Frame.ClientPreface, .. settings, .. Http2Frame.WindowUpdate(0, ReceiveWindow - Http2Frame.DefaultWindowSize)];
            await socket.SendAsync(opening, SocketFlags.None, cancellationToken).ConfigureAwait(false);

            // The server's preface is a SETTINGS frame; calls wait for it so that they start with its windows and limits.
            var first = await connection.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (first.Type != FrameType.Settings || first.Has(FrameFlags.Ack))
            {
                throw new IOException($"{host}:{port} does not speak cleartext HTTP/2: its first frame is {first.Type}, not SETTINGS");
            }

            await connection.ProcessFrameAsync(first).ConfigureAwait(false);
            // The reader ends by itself when the socket closes; it fails the calls it strands, so nothing awaits it.
            _ = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
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
    /// <exception cref="ServingException">The server refused the call (a gRPC status other than OK, or an HTTP status other than 200).</exception>
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

    public void Dispose()
    {
        Close(new ObjectDisposedException(nameof(Http2Connection)));
        _socket.Dispose();
    }

    /// <remarks>
    /// Socket writes are not cancelled: a frame cut off halfway would corrupt every stream after it. The caller's token
    /// stops the waits (for the write lock, for window) instead, and an abandoned stream is reset.
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
                    throw new IOException("the connection is closed: " + closed.Message, closed);
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
                await _socket.SendAsync(TemplateFor(request, call.StreamId), SocketFlags.None).ConfigureAwait(false);
                return;
            }

            // A large message: HEADERS, then DATA frames as the windows allow, the write lock released while waiting.
            await SendFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, call.StreamId, request.HeaderBlock).ConfigureAwait(false);
            int sent = 0;
            while (sent < messageLength)
            {
                int chunk;
                Task windowChanged;
                lock (_state)
                {
                    if (_closedBecause is { } closed)
                    {
                        throw new IOException("the connection closed while sending: " + closed.Message, closed);
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
                    await SendFrameAsync(FrameType.Data, flags, call.StreamId, request.Message.AsMemory(sent, chunk)).ConfigureAwait(false);
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
        catch (SocketException ex)
        {
            // A failed write leaves the framing unknown: the connection cannot carry another frame.
            Close(new IOException("sending failed: " + ex.Message, ex));
            throw;
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

    /// <summary>Writes one frame; the caller holds the write lock.</summary>
    private async Task SendFrameAsync(FrameType type, byte flags, int streamId, ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > Http2Frame.DefaultMaxFrameSize)
        {
            throw new InvalidOperationException($"a {payload.Length}-byte {type} frame exceeds the {Http2Frame.DefaultMaxFrameSize}-byte frame size (a header block this large needs CONTINUATION frames)");
        }

        Http2Frame.WriteHeader(_frameScratch, payload.Length, type, flags, streamId);
        payload.Span.CopyTo(_frameScratch.AsSpan(Http2Frame.HeaderLength));
        await _socket.SendAsync(_frameScratch.AsMemory(0, Http2Frame.HeaderLength + payload.Length), SocketFlags.None).ConfigureAwait(false);
    }

    /// <summary>Writes a control frame (an ACK, a WINDOW_UPDATE, an RST_STREAM) between other writers' frames.</summary>
    private async Task SendControlAsync(byte[] frame)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, SocketFlags.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The caller gave up on a call: its stream is reset and forgotten; frames still arriving for it are dropped.</summary>
    private void Abandon(GrpcCall call)
    {
        bool open;
        lock (_state)
        {
            open = call.StreamId != 0 && _calls.Remove(call.StreamId) && _closedBecause is null;
        }

        if (open)
        {
            _ = SendControlAsync(Http2Frame.RstStream(call.StreamId, Http2ErrorCode.Cancel)).ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(CancellationToken.None).ConfigureAwait(false);
                await ProcessFrameAsync(frame).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Close(ex is IOException or InvalidDataException ? ex : new IOException(ex.Message, ex));
        }
    }

    /// <summary>Reads the next frame's header and makes its whole payload available at <see cref="_readStart"/>.</summary>
    private async Task<Http2Frame> ReadFrameAsync(CancellationToken cancellationToken)
    {
        await FillAsync(Http2Frame.HeaderLength, cancellationToken).ConfigureAwait(false);
        var frame = Http2Frame.Read(_readBuffer.AsSpan(_readStart));
        if (frame.Length > Http2Frame.DefaultMaxFrameSize)
        {
            throw new InvalidDataException($"HTTP/2: a {frame.Length}-byte {frame.Type} frame exceeds the {Http2Frame.DefaultMaxFrameSize}-byte maximum this client advertised");
        }

        _readStart += Http2Frame.HeaderLength;
        await FillAsync(frame.Length, cancellationToken).ConfigureAwait(false);
        return frame;
    }

    private async Task FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_readEnd - _readStart < count)
        {
            if (_readStart + count > _readBuffer.Length)
            {
                Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, _readEnd - _readStart);
                _readEnd -= _readStart;
                _readStart = 0;
            }

            int read = await _socket.ReceiveAsync(_readBuffer.AsMemory(_readEnd), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            _readEnd += read;
        }
    }

    /// <summary>Acts on one frame whose payload is at <see cref="_readStart"/>, and consumes it.</summary>
    private async Task ProcessFrameAsync(Http2Frame frame)
    {
        var payload = _readBuffer.AsMemory(_readStart, frame.Length);
        _readStart += frame.Length;
        switch (frame.Type)
        {
            case FrameType.Data:
                await OnDataAsync(frame, payload).ConfigureAwait(false);
                break;
            case FrameType.Headers:
                await OnHeadersAsync(frame, payload).ConfigureAwait(false);
                break;
            case FrameType.RstStream:
                RequireLength(frame, 4);
                Finish(frame.StreamId, call => call.Reset((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload.Span)));
                break;
            case FrameType.Settings:
                if (!frame.Has(FrameFlags.Ack))
                {
                    ApplySettings(payload.Span);
                    await SendControlAsync(Http2Frame.Settings(FrameFlags.Ack)).ConfigureAwait(false);
                }

                break;
            case FrameType.Ping:
                RequireLength(frame, 8);
                if (!frame.Has(FrameFlags.Ack))
                {
                    await SendControlAsync(Http2Frame.PingAck(payload.Span)).ConfigureAwait(false);
                }

                break;
            case FrameType.GoAway:
                OnGoAway(payload.Span);
                break;
            case FrameType.WindowUpdate:
                RequireLength(frame, 4);
                OnWindowUpdate(frame.StreamId, BinaryPrimitives.ReadInt32BigEndian(payload.Span) & int.MaxValue);
                break;
            case FrameType.PushPromise:
                throw new InvalidDataException("HTTP/2: PUSH_PROMISE although this client disabled push");
            case FrameType.Continuation:
                throw new InvalidDataException("HTTP/2: CONTINUATION without a HEADERS frame before it");
            default:
                // PRIORITY and unknown types are ignored (RFC 9113 §4.1, §5.5).
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

        call.OnData(Unpadded(frame, payload.Span));
        if (frame.Has(FrameFlags.EndStream))
        {
            // gRPC ends an answer with trailers; data that ends the stream left no grpc-status (GrpcCall says so).
            Finish(frame.StreamId, static call => call.End());
        }
    }

    private async Task OnHeadersAsync(Http2Frame frame, ReadOnlyMemory<byte> payload)
    {
        if (frame.Has(FrameFlags.EndHeaders))
        {
            DecodeHeaderBlock(frame, HeaderFragment(frame, payload.Span));
            return;
        }

        // A block split over CONTINUATION frames is gathered whole before decoding; no other frame may come between.
        var block = new List<byte>(HeaderFragment(frame, payload.Span).ToArray());
        Http2Frame next;
        do
        {
            next = await ReadFrameAsync(CancellationToken.None).ConfigureAwait(false);
            if (next.Type != FrameType.Continuation || next.StreamId != frame.StreamId)
            {
                throw new InvalidDataException($"HTTP/2: {next.Type} on stream {next.StreamId} inside a header block of stream {frame.StreamId}");
            }

            block.AddRange(_readBuffer.AsSpan(_readStart, next.Length));
            _readStart += next.Length;
            if (block.Count > MaxHeaderBlockBytes)
            {
                throw new InvalidDataException($"HTTP/2: a header block exceeds {MaxHeaderBlockBytes} bytes");
            }
        }
        while (!next.Has(FrameFlags.EndHeaders));
        DecodeHeaderBlock(frame, block.ToArray());
    }

    /// <summary>The header block fragment of a HEADERS frame: without padding and priority fields.</summary>
    private static ReadOnlySpan<byte> HeaderFragment(Http2Frame frame, ReadOnlySpan<byte> payload)
    {
        var fragment = Unpadded(frame, payload);
        if (frame.Has(FrameFlags.Priority))
        {
            if (fragment.Length < 5)
            {
                throw new InvalidDataException("HTTP/2: HEADERS with a priority field shorter than 5 bytes");
            }

            fragment = fragment[5..];
        }

        return fragment;
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

    private static ReadOnlySpan<byte> Unpadded(Http2Frame frame, ReadOnlySpan<byte> payload)
    {
        if (!frame.Has(FrameFlags.Padded))
        {
            return payload;
        }

        int padding = payload.IsEmpty ? int.MaxValue : payload[0];
        if (padding >= payload.Length)
        {
            throw new InvalidDataException($"HTTP/2: {frame.Type} padding of {padding} bytes fills the whole frame");
        }

        return payload[1..^padding];
    }

    private void ApplySettings(ReadOnlySpan<byte> payload)
    {
        if (payload.Length % 6 != 0)
        {
            throw new InvalidDataException($"HTTP/2: a SETTINGS payload of {payload.Length} bytes is not a whole number of settings");
        }

        lock (_state)
        {
            for (int i = 0; i < payload.Length; i += 6)
            {
                ushort id = BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
                uint value = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
                switch (id)
                {
                    case SettingId.MaxConcurrentStreams:
                        _maxStreams = (int)Math.Min(value, int.MaxValue);
                        break;
                    case SettingId.InitialWindowSize when value > int.MaxValue:
                        throw new InvalidDataException($"HTTP/2: SETTINGS_INITIAL_WINDOW_SIZE {value} exceeds 2^31 - 1");
                    case SettingId.InitialWindowSize:
                        // The change applies to every open stream's window too (RFC 9113 §6.9.2).
                        int delta = (int)value - _peerInitialWindow;
                        _peerInitialWindow = (int)value;
                        foreach (var call in _calls.Values)
                        {
                            call.SendWindow += delta;
                        }

                        break;
                    default:
                        // HEADER_TABLE_SIZE bounds the encoder's table, which this client never uses (it does not
                        // index); MAX_FRAME_SIZE may only raise the 16 KB every frame it sends stays within.
                        break;
                }
            }

            SignalWindowChange();
        }
    }

    private void OnWindowUpdate(int streamId, int increment)
    {
        lock (_state)
        {
            if (streamId == 0)
            {
                _connectionSendWindow += increment;
            }
            else if (_calls.TryGetValue(streamId, out var call))
            {
                call.SendWindow += increment;
            }

            SignalWindowChange();
        }
    }

    /// <summary>GOAWAY: calls above the last stream the server will process fail as Unavailable; no new call starts here.</summary>
    private void OnGoAway(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 8)
        {
            throw new InvalidDataException("HTTP/2: GOAWAY shorter than 8 bytes");
        }

        int lastStreamId = BinaryPrimitives.ReadInt32BigEndian(payload) & int.MaxValue;
        var error = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        var goneAway = new ServingException($"Unavailable: the server sent GOAWAY ({error})", null, StatusCode.Unavailable, error.ToString());
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
        }
    }

    /// <summary>Retires the connection: every call still waiting fails with <paramref name="reason"/>; writers waiting for window wake.</summary>
    private void Close(Exception reason)
    {
        List<GrpcCall> stranded;
        lock (_state)
        {
            _closedBecause ??= reason;
            stranded = [.. _calls.Values];
            _calls.Clear();
            SignalWindowChange();
        }

        foreach (var call in stranded)
        {
            call.Fail(reason);
        }

        if (reason is not ObjectDisposedException)
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

    private static void RequireLength(Http2Frame frame, int length)
    {
        if (frame.Length != length)
        {
            throw new InvalidDataException($"HTTP/2: a {frame.Type} frame of {frame.Length} bytes, not {length}");
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
