namespace ServingBench.Load.Http2;

/// <summary>
/// Reads a server's frames from a stream, one at a time, and hands each out with its payload ready to use: padding
/// and priority fields removed, and a HEADERS frame's payload its whole header block, its CONTINUATION frames
/// gathered. Every length it is told is checked before it is trusted, so no input makes it wait for more than the
/// server sends, loop without reading, or hold more than a frame and one header block.
/// </summary>
/// <remarks>
/// One reader per connection, used by its read loop only. A payload is valid until the next read.
/// </remarks>
internal sealed class Http2FrameReader(Stream source, Http2Limits limits)
{
    // Room for one whole frame at any offset after compaction; larger receives take fewer system calls.
    private readonly byte[] _buffer = new byte[64 * 1024];
    private byte[] _block = new byte[Http2Frame.DefaultMaxFrameSize];
    private int _start;
    private int _end;
    private ReadOnlyMemory<byte> _payload;
    private long _lastReceivedAt = Environment.TickCount64;

    /// <summary>The payload of the frame read last (see the class summary for what it holds).</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary><see cref="Environment.TickCount64"/> when bytes last arrived: the connection's liveness check reads it.</summary>
    public long LastReceivedAt => Volatile.Read(ref _lastReceivedAt);

    /// <summary>Reads the next frame; its payload is at <see cref="Payload"/> until the next call.</summary>
    /// <exception cref="Http2ProtocolException">The server broke the framing rules: a connection error.</exception>
    /// <exception cref="IOException">The stream ended (the server closed the connection).</exception>
    public async ValueTask<Http2Frame> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var frame = await ReadRawFrameAsync(cancellationToken).ConfigureAwait(false);
        switch (frame.Type)
        {
            case FrameType.Data:
                RequireStream(frame);
                _payload = Unpadded(frame, _payload);
                break;
            case FrameType.Headers:
                RequireStream(frame);
                _payload = HeaderFragment(frame, _payload);
                if (!frame.Has(FrameFlags.EndHeaders))
                {
                    _payload = await GatherBlockAsync(frame, cancellationToken).ConfigureAwait(false);
                }

                break;
            case FrameType.Continuation:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: CONTINUATION on stream {frame.StreamId} without a HEADERS frame before it");
            default:
                break;
        }

        return frame;
    }

    /// <summary>
    /// Collects the CONTINUATION frames of a block that <paramref name="headers"/> began: nothing else may come
    /// between them (RFC 9113 §6.10). Both the frames and the bytes are counted, so a server cannot keep this loop
    /// going with empty frames or make the block grow without end.
    /// </summary>
    private async ValueTask<ReadOnlyMemory<byte>> GatherBlockAsync(Http2Frame headers, CancellationToken cancellationToken)
    {
        int length = 0;
        Append(ref length, _payload.Span);
        for (int continuations = 1; ; continuations++)
        {
            var next = await ReadRawFrameAsync(cancellationToken).ConfigureAwait(false);
            if (next.Type != FrameType.Continuation || next.StreamId != headers.StreamId)
            {
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: {next.Type} on stream {next.StreamId} inside a header block of stream {headers.StreamId}");
            }

            if (continuations > limits.MaxContinuationFrames)
            {
                throw new Http2ProtocolException(
                    Http2ErrorCode.EnhanceYourCalm, $"HTTP/2: a header block of stream {headers.StreamId} goes on past {limits.MaxContinuationFrames} CONTINUATION frames");
            }

            Append(ref length, _payload.Span);
            if (next.Has(FrameFlags.EndHeaders))
            {
                return _block.AsMemory(0, length);
            }
        }
    }

    private void Append(ref int length, ReadOnlySpan<byte> fragment)
    {
        if (length + fragment.Length > limits.MaxHeaderListSize)
        {
            throw new Http2ProtocolException(Http2ErrorCode.EnhanceYourCalm, $"HTTP/2: a header block exceeds {limits.MaxHeaderListSize} bytes");
        }

        if (length + fragment.Length > _block.Length)
        {
            Array.Resize(ref _block, Math.Min(Math.Max(_block.Length * 2, length + fragment.Length), limits.MaxHeaderListSize));
        }

        fragment.CopyTo(_block.AsSpan(length));
        length += fragment.Length;
    }

    /// <summary>Reads a frame's header and its whole payload, unprocessed, into <see cref="_payload"/>.</summary>
    private async ValueTask<Http2Frame> ReadRawFrameAsync(CancellationToken cancellationToken)
    {
        // The previous frame's payload lies before _start: compacting the buffer may overwrite it from here on.
        await FillAsync(Http2Frame.HeaderLength, cancellationToken).ConfigureAwait(false);
        var frame = Http2Frame.Read(_buffer.AsSpan(_start));
        if (frame.Length > Http2Frame.DefaultMaxFrameSize)
        {
            throw new Http2ProtocolException(
                Http2ErrorCode.FrameSizeError, $"HTTP/2: a {frame.Length}-byte {frame.Type} frame exceeds the {Http2Frame.DefaultMaxFrameSize}-byte maximum this client advertised");
        }

        _start += Http2Frame.HeaderLength;
        await FillAsync(frame.Length, cancellationToken).ConfigureAwait(false);
        _payload = _buffer.AsMemory(_start, frame.Length);
        _start += frame.Length;
        return frame;
    }

    /// <summary>Receives until <paramref name="count"/> bytes from <see cref="_start"/> are in the buffer.</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_start + count > _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int read = await source.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            _end += read;
            Volatile.Write(ref _lastReceivedAt, Environment.TickCount64);
        }
    }

    /// <summary>The header block fragment of a HEADERS frame: without padding and priority fields.</summary>
    private static ReadOnlyMemory<byte> HeaderFragment(Http2Frame frame, ReadOnlyMemory<byte> payload)
    {
        var fragment = Unpadded(frame, payload);
        if (frame.Has(FrameFlags.Priority))
        {
            if (fragment.Length < 5)
            {
                throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, "HTTP/2: HEADERS with a priority field shorter than 5 bytes");
            }

            fragment = fragment[5..];
        }

        return fragment;
    }

    private static ReadOnlyMemory<byte> Unpadded(Http2Frame frame, ReadOnlyMemory<byte> payload)
    {
        if (!frame.Has(FrameFlags.Padded))
        {
            return payload;
        }

        int padding = payload.IsEmpty ? int.MaxValue : payload.Span[0];
        if (padding >= payload.Length)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: {frame.Type} padding of {padding} bytes fills the whole frame");
        }

        return payload[1..^padding];
    }

    private static void RequireStream(Http2Frame frame)
    {
        if (frame.StreamId == 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"HTTP/2: {frame.Type} on stream 0");
        }
    }
}
