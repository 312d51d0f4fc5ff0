using ServingBench.Load.Http2;

namespace ServingBench.Load;

/// <summary>
/// The lean load client for gRPC (<c>load --client lean</c>): one unary call, encoded once (its HPACK header block
/// and its length-prefixed message), sent again and again as concurrent streams of one HTTP/2 connection, as h2load
/// does. Each answer is read to its end and its <c>grpc-status</c> checked; the message itself is counted, not decoded.
/// </summary>
/// <remarks>
/// Why: the full client (<c>Grpc.Net.Client</c> over <see cref="HttpClient"/>) costs the generator more CPU per call
/// than the emulator it measures spends answering; even fed pre-encoded bytes it reached 9.1k calls/s against
/// h2load's 20.5k here (docs/load.md). This one writes a call's HEADERS and DATA frames in one send, a template
/// stamped with the stream id, and one reader task serves every stream. A connection carries as many calls as the
/// server's SETTINGS_MAX_CONCURRENT_STREAMS allows; more calls in flight open another connection, and so does the
/// next call after a connection fails or goes away (its limits and what it does with a misbehaving server:
/// <see cref="Http2Limits"/>, <see cref="Http2Connection"/>).
/// </remarks>
public sealed class PreEncodedGrpcSender : IDisposable
{
    /// <summary>Opening a connection (TCP, prefaces, the server's SETTINGS) takes no longer than this.</summary>
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(15);

    private readonly string _host;
    private readonly int _port;
    private readonly Http2Limits _limits;
    private readonly GrpcRequest _request;
    private readonly List<Http2Connection> _connections = [];
    private readonly CancellationTokenSource _disposed = new();
    private Task<Http2Connection>? _opening;

    /// <param name="address">The server (http:// only: h2c with prior knowledge, as the emulators and Triton serve).</param>
    /// <param name="path">The method's path, <c>/package.Service/Method</c>.</param>
    /// <param name="message">The request message as the full client encodes it, without the gRPC length prefix.</param>
    public PreEncodedGrpcSender(Uri address, string path, ReadOnlySpan<byte> message)
        : this(address, path, message, Http2Limits.Default)
    {
    }

    /// <param name="limits">What each connection accepts from the server and how long it waits (tests shorten the waits).</param>
    internal PreEncodedGrpcSender(Uri address, string path, ReadOnlySpan<byte> message, Http2Limits limits)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (address.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"the lean gRPC client speaks cleartext HTTP/2 only, and '{address}' is {address.Scheme}", nameof(address));
        }

        _host = address.Host;
        _port = address.Port;
        _limits = limits;
        _request = new GrpcRequest(path, RequestHeaderBlock(address.Authority, path), LengthPrefixed(message));
    }

    /// <summary>Makes the call once and completes when its whole answer has arrived.</summary>
    /// <exception cref="ServingException">The server answered with a gRPC status other than OK (counted as that status).</exception>
    public async Task SendAsync(CancellationToken cancellationToken)
    {
        var connection = await ReserveStreamAsync(cancellationToken).ConfigureAwait(false);
        await connection.CallAsync(_request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _disposed.Cancel();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    /// <summary>
    /// The request's header fields, as literals that the server does not index (RFC 7541 §6.2.2): the same bytes
    /// fit every stream of every connection, so they are encoded once. The fields are those a gRPC client must send.
    /// </summary>
    internal static byte[] RequestHeaderBlock(string authority, string path)
    {
        var block = new List<byte>
        {
            0x83, // :method: POST (static index 3)
            0x86, // :scheme: http (static index 6)
        };
        AddLiteral(block, 4, ":path", path);
        AddLiteral(block, 1, ":authority", authority);
        AddLiteral(block, 31, "content-type", "application/grpc");
        AddLiteral(block, 0, "te", "trailers");
        AddLiteral(block, 58, "user-agent", "servingbench-load-lean");
        return [.. block];

        static void AddLiteral(List<byte> block, int nameIndex, string name, string value)
        {
            // 0000xxxx: literal without indexing, the name by its static index, or spelled out after index 0.
            HpackDecoder.WriteInteger(block, nameIndex, 4, 0x00);
            if (nameIndex == 0)
            {
                AddString(block, name);
            }

            AddString(block, value);
        }

        static void AddString(List<byte> block, string text)
        {
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
            HpackDecoder.WriteInteger(block, bytes.Length, 7, 0x00);
            block.AddRange(bytes);
        }
    }

    /// <summary>A gRPC message on the wire: a zero compression flag, the length (big-endian), the message.</summary>
    private static byte[] LengthPrefixed(ReadOnlySpan<byte> message)
    {
        var framed = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    /// <summary>A connection with a free stream, opening one when none has (one opening at a time, shared by all who wait).</summary>
    private async Task<Http2Connection> ReserveStreamAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<Http2Connection> opening;
            lock (_connections)
            {
                ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
                for (int i = _connections.Count - 1; i >= 0; i--)
                {
                    if (_connections[i].IsFinished)
                    {
                        _connections.RemoveAt(i);
                    }
                    else if (_connections[i].TryReserveStream())
                    {
                        return _connections[i];
                    }

                    // A connection that failed or is going away takes no calls; it stays listed until its last call
                    // has ended, so that disposing the sender closes it too.
                }

                opening = _opening ??= OpenAsync();
            }

            Http2Connection opened;
            try
            {
                opened = await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lock (_connections)
                {
                    if (ReferenceEquals(_opening, opening) && opening.IsCompleted)
                    {
                        _opening = null;
                    }
                }
            }

            if (opened.TryReserveStream())
            {
                return opened;
            }

            if (opened.IsOpen && opened.MaxConcurrentStreams == 0)
            {
                throw new IOException($"{_host}:{_port} allows no concurrent streams (SETTINGS_MAX_CONCURRENT_STREAMS 0)");
            }

            // Others took its streams first: the next round finds a free stream or opens another connection.
        }
    }

    private async Task<Http2Connection> OpenAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        timeout.CancelAfter(OpenTimeout);
        var connection = await Http2Connection.OpenAsync(_host, _port, _limits, timeout.Token).ConfigureAwait(false);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }
}
