using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ServingBench.Load;

/// <summary>
/// The lean load client (<c>load --client lean</c>): sends one HTTP/1.1 message, encoded once, over keep-alive
/// sockets, reads each answer to its end and checks its status, as wrk does. No request is encoded and no answer
/// decoded per call, so the generator spends its CPU on the transport alone.
/// </summary>
/// <remarks>
/// Why: on two cores the full client (<see cref="HttpClient"/>, the codec both ways) costs 70 µs of CPU a request,
/// five times wrk's, and that CPU is taken from the server it measures (docs/load.md). The answers are not decoded;
/// the session's probe decodes and checks one before the run. A connection serves one request at a time; a request
/// that finds none idle opens another, so open-loop bursts get as many connections as requests in flight, as
/// <see cref="HttpClient"/> would open.
/// </remarks>
public sealed class PreEncodedHttpSender : IDisposable
{
    /// <summary>Headers larger than this are refused (a server answering something else entirely).</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    private readonly string _host;
    private readonly int _port;
    private readonly byte[] _message;
    private readonly ConcurrentBag<Connection> _idle = [];
    private bool _disposed;

    /// <param name="address">The server: only its host and port are used (the message carries the path).</param>
    /// <param name="message">The whole request: request line, headers, body (<see cref="RestInferenceClient.EncodeHttpMessage"/>).</param>
    public PreEncodedHttpSender(Uri address, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(message);
        _host = address.Host;
        _port = address.Port;
        _message = message;
    }

    /// <summary>Sends the message once and completes when the whole answer has arrived.</summary>
    /// <exception cref="ServingException">The server answered with a status other than 2xx (the status is counted as the failure).</exception>
    public async Task SendAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_idle.TryTake(out var connection))
        {
            connection = await Connection.OpenAsync(_host, _port, cancellationToken).ConfigureAwait(false);
        }

        bool reusable = false;
        try
        {
            await connection.Socket.SendAsync(_message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var answer = await connection.ReadAnswerAsync(cancellationToken).ConfigureAwait(false);
            reusable = answer.KeepAlive;
            if (answer.Status is < 200 or > 299)
            {
                throw new ServingException($"{answer.Status} from {_host}:{_port}: {answer.Start}", answer.Status, null, answer.Start);
            }
        }
        finally
        {
            // A cancelled or failed exchange leaves the stream mid-message: that connection is closed, never reused.
            if (reusable && !_disposed)
            {
                _idle.Add(connection);
            }
            else
            {
                connection.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>The status, whether the connection stays open, and the first bytes of the body (for a failure's message).</summary>
    private readonly record struct Answer(int Status, bool KeepAlive, string Start);

    private sealed class Connection : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        private int _start;
        private int _end;

        private Connection(Socket socket) => Socket = socket;

        public Socket Socket { get; }

        public static async Task<Connection> OpenAsync(string host, int port, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                return new Connection(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Reads one response: status line and headers, then a Content-Length or chunked body, discarded.</summary>
        public async Task<Answer> ReadAnswerAsync(CancellationToken cancellationToken)
        {
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (_end - _start >= MaxHeaderBytes)
                {
                    throw new IOException($"the answer's headers exceed {MaxHeaderBytes} bytes");
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd);
            _start += headerEnd + 4;
            var (status, contentLength, chunked, close) = ParseHead(head);
            // Only a refusal's message needs the body's text; a success is counted, not read.
            string startOfBody = string.Empty;
            if (chunked)
            {
                await SkipChunkedAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (status is < 200 or > 299)
                {
                    startOfBody = Encoding.UTF8.GetString(_buffer, _start, (int)Math.Min(Math.Min(contentLength, _end - _start), 200));
                }

                await SkipAsync(contentLength, cancellationToken).ConfigureAwait(false);
            }

            if (_start == _end)
            {
                _start = _end = 0;
            }

            return new Answer(status, !close, startOfBody);
        }

        private static (int Status, long ContentLength, bool Chunked, bool Close) ParseHead(string head)
        {
            var lines = head.Split("\r\n");
            // "HTTP/1.1 200 OK"
            if (!lines[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || lines[0].Length < 12
                || !int.TryParse(lines[0].AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int status))
            {
                throw new IOException($"not an HTTP/1.x status line: '{lines[0]}'");
            }

            long contentLength = 0;
            bool chunked = false;
            bool close = lines[0].StartsWith("HTTP/1.0", StringComparison.Ordinal);
            foreach (string line in lines.AsSpan(1))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                var name = line.AsSpan(0, colon).Trim();
                var value = line.AsSpan(colon + 1).Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    contentLength = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                }
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
                }
            }

            return (status, contentLength, chunked, close);
        }

        private async Task SkipChunkedAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                string sizeLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                int extension = sizeLine.IndexOf(';', StringComparison.Ordinal);
                long size = long.Parse(extension < 0 ? sizeLine : sizeLine[..extension], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    // Trailers, if any, end with an empty line.
                    while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                    {
                    }

                    return;
                }

                await SkipAsync(size + 2, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            int end;
            while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                if (_end - _start >= MaxHeaderBytes)
                {
                    throw new IOException("a chunk size line is too long");
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            string line = Encoding.ASCII.GetString(_buffer, _start, end).Trim();
            _start += end + 2;
            return line;
        }

        private async Task SkipAsync(long count, CancellationToken cancellationToken)
        {
            while (true)
            {
                long have = Math.Min(count, _end - _start);
                _start += (int)have;
                count -= have;
                if (count == 0)
                {
                    return;
                }

                _start = _end = 0;
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Reads more bytes after those not yet consumed, moving or growing the buffer when it is full.</summary>
        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0 && _end == _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            int read = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the server closed the connection before the answer was complete");
            }

            _end += read;
        }

        public void Dispose()
        {
            Socket.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
