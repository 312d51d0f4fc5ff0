using System.Globalization;
using System.Text.Json;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Compression;

namespace ServingBench.Emulators.Hosting;

/// <summary>Which Content-Encodings a server's HTTP layer undoes before its handler sees the body (docs/protocols.md cites each).</summary>
public enum RequestCoding
{
    /// <summary>TorchServe (Netty with no decompressor) and the echo: the body as sent, whatever the header says.</summary>
    AsSent,

    /// <summary>TF Serving: gzip (any Content-Encoding containing "gzip"); every other body as sent.</summary>
    Gzip,

    /// <summary>Triton: gzip and deflate; identity as sent; any other coding refused.</summary>
    GzipOrDeflate,
}

/// <summary>Reading request bodies and writing responses with exact lengths, shared by the REST hosts.</summary>
internal static class HttpExchange
{
    /// <summary>A declared Content-Length sizes the first buffer only up to this; beyond it the buffer grows with the bytes that arrive.</summary>
    private const int TrustedDeclaredBytes = 1024 * 1024;

    private const int ReadChunk = 16 * 1024;

    /// <summary>
    /// The whole body in a pooled buffer; more than <paramref name="limit"/> bytes is a TooLarge error. A
    /// Content-Encoding the server's HTTP layer undoes (<paramref name="coding"/>) is undone as a stream, and the limit
    /// applies to the decompressed bytes, so a small body that inflates to gigabytes stops at the limit instead of
    /// filling memory.
    /// </summary>
    public static async Task<PooledBufferWriter> ReadBodyAsync(HttpRequest request, BufferPool buffers, long limit, CancellationToken cancellationToken, RequestCoding coding = RequestCoding.AsSent)
    {
        string encoding = request.Headers.ContentEncoding.ToString();
        Stream source = request.Body;
        long? declared = request.ContentLength;
        if (Inflated(encoding, coding) is { } algorithm)
        {
            source = ContentCoding.DecompressionStream(source, algorithm);
            declared = null;
        }

        try
        {
            return await ReadAllAsync(source, buffers, declared, limit, decompressed: !ReferenceEquals(source, request.Body), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new ServerError(ErrorKind.InvalidArgument, $"cannot decompress the {encoding} request body: {ex.Message}");
        }
        finally
        {
            if (!ReferenceEquals(source, request.Body))
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The coding to undo for this server, or null to read the body as sent. Triton refuses a coding it does not know
    /// as its HTTP server does (UNSUPPORTED: 501, with <c>Accept-Encoding: gzip, deflate</c>); TF Serving inflates any
    /// Content-Encoding that contains "gzip" and hands every other body to its JSON parser as it came; TorchServe's
    /// Netty pipeline has no decompressor, so the handler gets the compressed bytes.
    /// </summary>
    private static CompressionAlgorithm? Inflated(string encoding, RequestCoding coding)
    {
        switch (coding)
        {
            case RequestCoding.Gzip:
                return encoding.Contains("gzip", StringComparison.Ordinal) ? CompressionAlgorithm.Gzip : null;
            case RequestCoding.GzipOrDeflate:
                if (encoding.Length == 0 || encoding == "identity")
                {
                    return null;
                }

                if (encoding is "gzip" or "deflate" && ContentCoding.TryParse(encoding, out var algorithm))
                {
                    return algorithm;
                }

                throw new ServerError(ErrorKind.Unimplemented, "Unsupported compression type")
                {
                    Headers = new Dictionary<string, string> { ["Accept-Encoding"] = "gzip, deflate" },
                };
            default:
                return null;
        }
    }

    private static async Task<PooledBufferWriter> ReadAllAsync(Stream source, BufferPool buffers, long? declared, long limit, bool decompressed, CancellationToken cancellationToken)
    {
        if (declared > limit)
        {
            throw new ServerError(ErrorKind.TooLarge, $"request body of {declared} bytes exceeds the limit of {limit} bytes");
        }

        // A 9-byte body may declare 600 MB: the first buffer trusts the declaration only up to a modest size.
        var body = new PooledBufferWriter(buffers, (int)Math.Min(declared ?? ReadChunk, Math.Min(limit, TrustedDeclaredBytes)) + 1);
        try
        {
            while (true)
            {
                var memory = body.GetMemory(ReadChunk);
                int read = await source.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return body;
                }

                body.Advance(read);
                if (body.WrittenCount > limit)
                {
                    throw new ServerError(ErrorKind.TooLarge, decompressed
                        ? $"decompressed request body exceeds the limit of {limit} bytes"
                        : $"request body exceeds the limit of {limit} bytes");
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public static WireContent RequestContent(HttpRequest request)
    {
        int? headerLength = null;
        if (request.Headers.TryGetValue(WireContent.InferenceHeaderLengthName, out var value))
        {
            if (!int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
            {
                throw new ServerError(ErrorKind.InvalidArgument, $"{WireContent.InferenceHeaderLengthName} header '{value}' is not a byte count");
            }

            headerLength = parsed;
        }

        return new WireContent(request.ContentType ?? string.Empty, headerLength);
    }

    /// <summary>
    /// Writes an encoded body with its Content-Type and Content-Length, then releases the buffer. With
    /// <paramref name="compression"/> the body goes out compressed, with its Content-Encoding (Triton's answers to an
    /// Accept-Encoding it takes).
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, int status, WireContent content, PooledBufferWriter body, BodyCompression? compression = null)
    {
        PooledBufferWriter? compressed = null;
        try
        {
            response.StatusCode = status;
            response.ContentType = content.ContentType;
            if (content.InferenceHeaderLength is int headerLength)
            {
                response.Headers[WireContent.InferenceHeaderLengthName] = headerLength.ToString(CultureInfo.InvariantCulture);
            }

            if (compression is not null)
            {
                compressed = new PooledBufferWriter(body.Pool, body.WrittenCount / 2 + 1024);
                compression.Compress(body.WrittenSpan, compressed);
                response.Headers.ContentEncoding = compression.Token;
            }

            var sent = compressed ?? body;
            response.ContentLength = sent.WrittenCount;
            await response.Body.WriteAsync(sent.WrittenMemory).ConfigureAwait(false);
        }
        finally
        {
            compressed?.Dispose();
            body.Dispose();
        }
    }

    /// <summary>A JSON document written by <paramref name="write"/>, with the framework's layout and an optional trailing newline.</summary>
    public static Task WriteJsonAsync(HttpResponse response, BufferPool buffers, int status, Action<Utf8JsonWriter> write, int indent, bool trailingNewline = false) =>
        WriteAsync(response, status, WireContent.Json, Json(buffers, write, indent, trailingNewline));

    /// <summary>The bytes <see cref="WriteJsonAsync"/> sends, in a pooled buffer the caller disposes.</summary>
    public static PooledBufferWriter Json(BufferPool buffers, Action<Utf8JsonWriter> write, int indent, bool trailingNewline = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var body = new PooledBufferWriter(buffers, 512);
        using (var writer = new Utf8JsonWriter(body, indent > 0
            ? new JsonWriterOptions { Indented = true, IndentSize = indent, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }
            : new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        if (trailingNewline)
        {
            body.GetSpan(1)[0] = (byte)'\n';
            body.Advance(1);
        }

        return body;
    }

    public static Task WriteEmptyAsync(HttpResponse response, int status)
    {
        response.StatusCode = status;
        response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
