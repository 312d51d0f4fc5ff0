using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ServingBench.Load.Http2;
using TextEncoding = System.Text.Encoding;

namespace ServingBench.Tests.Load;

/// <summary>
/// A loopback server that speaks HTTP/2 frame by frame as a test scripts it: to answer as grpc's C++ core may, or to
/// misbehave on purpose. Scripts wait for the frames they expect (and for the client to close), never for time.
/// </summary>
internal sealed class ScriptedHttp2Server : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    /// <param name="receiveBufferSize">A small receive buffer makes a client's writes fill the socket sooner once the server stops reading.</param>
    public ScriptedHttp2Server(int? receiveBufferSize = null)
    {
        if (receiveBufferSize is int size)
        {
            _listener.Server.ReceiveBufferSize = size;
        }

        _listener.Start();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public async Task<ScriptedHttp2Connection> AcceptAsync(CancellationToken cancellationToken) =>
        new(await _listener.AcceptSocketAsync(cancellationToken));

    public void Dispose() => _listener.Dispose();
}

/// <summary>One frame as the scripted server received it.</summary>
internal sealed record ScriptedFrame(Http2Frame Header, byte[] Payload)
{
    public FrameType Type => Header.Type;

    public int StreamId => Header.StreamId;

    /// <summary>The error code of an RST_STREAM or GOAWAY frame.</summary>
    public Http2ErrorCode ErrorCode => (Http2ErrorCode)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Type == FrameType.GoAway ? Payload.AsSpan(4) : Payload);
}

/// <summary>
/// The server side of one HTTP/2 connection. After the handshake a background task reads every frame the client sends
/// into a queue (answering the client's PINGs unless told not to), until the client closes the connection.
/// </summary>
internal sealed class ScriptedHttp2Connection(Socket socket) : IDisposable
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: true);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<ScriptedFrame> _frames = Channel.CreateUnbounded<ScriptedFrame>();
    private bool _answerPings;

    /// <summary>Whether the client acknowledged a PING this server sent.</summary>
    public bool SawPingAck { get; private set; }

    /// <summary>Reads the client's preface and sends this server's SETTINGS (at most 10 streams, plus <paramref name="settings"/>).</summary>
    /// <param name="read">False: never read again after the preface, as a server that stops reading.</param>
    /// <param name="answerPings">False: ignore the client's PINGs, as a server that is gone but whose socket is not.</param>
    public async Task HandshakeAsync(bool read = true, bool answerPings = true, params (ushort Id, uint Value)[] settings)
    {
        var preface = new byte[24];
        await _stream.ReadExactlyAsync(preface);
        Assert.Equal(Http2Frame.ClientPreface.ToArray(), preface);
        await WriteAsync(Http2Frame.Settings(0, [(SettingId.MaxConcurrentStreams, 10), .. settings]));
        _answerPings = answerPings;
        if (read)
        {
            _ = Task.Run(ReadLoopAsync);
        }
    }

    /// <summary>The handshake with every window at 2^31 − 1, so that the client may send as much as it has at once.</summary>
    public async Task HandshakeWithOpenWindowsAsync(bool read = true)
    {
        await HandshakeAsync(read, settings: (SettingId.InitialWindowSize, int.MaxValue));
        await WriteAsync(Http2Frame.WindowUpdate(0, int.MaxValue - Http2Frame.DefaultWindowSize));
    }

    /// <summary>The next frame the client sent; fails the test if the client closed the connection first.</summary>
    public async Task<ScriptedFrame> NextFrameAsync(CancellationToken cancellationToken)
    {
        Assert.True(await _frames.Reader.WaitToReadAsync(cancellationToken), "the client closed the connection");
        return await _frames.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>Reads frames until a request's last DATA frame; returns its stream id.</summary>
    public async Task<int> ReadRequestAsync(CancellationToken cancellationToken)
    {
        var frame = await ReadUntilAsync(f => f.Type == FrameType.Data && f.Header.Has(FrameFlags.EndStream), cancellationToken);
        return frame.StreamId;
    }

    /// <summary>Reads frames until one that <paramref name="wanted"/> accepts.</summary>
    public async Task<ScriptedFrame> ReadUntilAsync(Func<ScriptedFrame, bool> wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await NextFrameAsync(cancellationToken);
            if (wanted(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>Every frame the client sends until it closes the connection.</summary>
    public async Task<List<ScriptedFrame>> ReadUntilClosedAsync(CancellationToken cancellationToken)
    {
        var frames = new List<ScriptedFrame>();
        await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken))
        {
            frames.Add(frame);
        }

        return frames;
    }

    public Task WriteFrameAsync(FrameType type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[Http2Frame.HeaderLength + payload.Length];
        Http2Frame.WriteHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame, Http2Frame.HeaderLength);
        return WriteAsync(frame);
    }

    /// <summary>A successful unary answer: <c>:status 200</c>, one empty message, <c>grpc-status 0</c> (literals the table never holds).</summary>
    public async Task AnswerAsync(int streamId)
    {
        await WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, streamId, [0x88]);
        await WriteFrameAsync(FrameType.Data, 0, streamId, [0, 0, 0, 0, 0]);
        await WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, streamId, [0x00, .. PlainString("grpc-status"), .. PlainString("0")]);
    }

    /// <summary>Writes raw bytes (several frames at once, or a flood).</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>An HPACK string literal without Huffman coding (shorter than 127 bytes).</summary>
    public static byte[] PlainString(string text) => [(byte)text.Length, .. TextEncoding.ASCII.GetBytes(text)];

    /// <summary>An HPACK string literal, Huffman-coded as grpc's core writes most of its strings.</summary>
    public static byte[] HuffmanString(string text)
    {
        byte[] encoded = HpackDecoderTests.HuffmanEncode(TextEncoding.ASCII.GetBytes(text));
        Assert.True(encoded.Length < 127);
        return [(byte)(0x80 | encoded.Length), .. encoded];
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var header = new byte[Http2Frame.HeaderLength];
                await _stream.ReadExactlyAsync(header);
                var frame = Http2Frame.Read(header);
                var payload = new byte[frame.Length];
                await _stream.ReadExactlyAsync(payload);
                if (frame.Type == FrameType.Ping && frame.Has(FrameFlags.Ack))
                {
                    SawPingAck = true;
                }
                else if (frame.Type == FrameType.Ping && _answerPings)
                {
                    await WriteAsync(Http2Frame.PingAck(payload));
                }

                _frames.Writer.TryWrite(new ScriptedFrame(frame, payload));
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or SocketException)
        {
            // The client closed the connection (or reset it): the queue ends here.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
