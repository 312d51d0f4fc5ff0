using System.Globalization;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.WebUtilities;
using Encoding = System.Text.Encoding;

namespace ServingBench.Emulators.Hosting;

/// <summary>
/// What a framework's HTTP server sends for a request its parser refuses (a Content-Length that is not a number, a
/// header line without a colon, a request line or headers over its limits): always a 400 with this content type and
/// body, and the connection closed. See docs/protocols.md, "Requests the HTTP parser refuses".
/// </summary>
public sealed class MalformedRequestAnswer
{
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private readonly int[] _replacing;

    /// <param name="contentType">The Content-Type header of the answer.</param>
    /// <param name="body">The answer's body, sent as is.</param>
    /// <param name="replacing">The statuses of Kestrel's own refusals that the framework answers this way instead.</param>
    public MalformedRequestAnswer(string contentType, ReadOnlySpan<byte> body, params int[] replacing)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ArgumentNullException.ThrowIfNull(replacing);
        _replacing = replacing;
        _head = Encoding.ASCII.GetBytes($"HTTP/1.1 400 {ReasonPhrases.GetReasonPhrase(400)}\r\nContent-Type: {contentType}\r\n");
        _tail = [.. Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Connection: close\r\nContent-Length: {body.Length}\r\n\r\n")), .. body];
    }

    /// <summary>
    /// Kestrel refuses a malformed request in its parser, before any handler runs, and writes its own answer: a status
    /// line and exactly <c>Content-Length: 0</c>, <c>Connection: close</c> and <c>Date</c> (the emulators send no
    /// Server header), all in one write. A handler's answer always carries a body or a Content-Type, so it never
    /// looks like this. Returns the framework's answer with Kestrel's Date line, or null for any other bytes.
    /// </summary>
    internal byte[]? Replace(ReadOnlySpan<byte> written)
    {
        // Cheapest tests first: this runs on every write of every answer on the listener.
        const int ShortestRefusal = 56; // "HTTP/1.1 400 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        const int LongestRefusal = 256;
        if (written.Length is < ShortestRefusal or > LongestRefusal
            || !written.StartsWith("HTTP/1.1 "u8)
            || !written.EndsWith("\r\n\r\n"u8)
            || !int.TryParse(written.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int status)
            || Array.IndexOf(_replacing, status) < 0)
        {
            return null;
        }

        var headers = written[(written.IndexOf("\r\n"u8) + 2)..^2];
        ReadOnlySpan<byte> dateLine = default;
        bool emptyBody = false, closes = false;
        while (!headers.IsEmpty)
        {
            int end = headers.IndexOf("\r\n"u8);
            var line = headers[..(end + 2)];
            headers = headers[(end + 2)..];
            if (line.SequenceEqual("Content-Length: 0\r\n"u8))
            {
                emptyBody = true;
            }
            else if (line.SequenceEqual("Connection: close\r\n"u8))
            {
                closes = true;
            }
            else if (line.StartsWith("Date: "u8))
            {
                dateLine = line;
            }
            else
            {
                return null;
            }
        }

        return emptyBody && closes ? [.. _head, .. dateLine, .. _tail] : null;
    }

    /// <summary>Connection middleware for a REST listener: Kestrel's refusals leave as <paramref name="answer"/>, everything else untouched.</summary>
    internal static Func<ConnectionDelegate, ConnectionDelegate> Middleware(MalformedRequestAnswer answer) =>
        next => async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new Duplex(transport.Input, new RefusalRewriter(transport.Output, answer));
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                connection.Transport = transport;
            }
        };

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    /// <summary>
    /// Passes every write through to the transport. Kestrel writes its refusal into a buffer from GetSpan/GetMemory
    /// and then calls Advance, so the refusal still sits uncommitted in the transport's buffer when Advance arrives and
    /// is overwritten there by the framework's answer. Kestrel may advance several times within one buffer (it commits
    /// headers, then writes on in the rest of the span), so the position inside the buffer is tracked.
    /// </summary>
    private sealed class RefusalRewriter(PipeWriter inner, MalformedRequestAnswer answer) : PipeWriter
    {
        private Memory<byte> _buffer;
        private int _advanced;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            _advanced = 0;
            return _buffer = inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (_advanced + bytes <= _buffer.Length && answer.Replace(_buffer.Span.Slice(_advanced, bytes)) is { } replacement)
            {
                // Not advancing over Kestrel's bytes leaves them uncommitted: the next buffer starts where they did.
                replacement.CopyTo(inner.GetSpan(replacement.Length));
                _buffer = default;
                _advanced = 0;
                inner.Advance(replacement.Length);
                return;
            }

            _advanced += bytes;
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            answer.Replace(source.Span) is { } replacement
                ? inner.WriteAsync(replacement, cancellationToken)
                : inner.WriteAsync(source, cancellationToken);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
