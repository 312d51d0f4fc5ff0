using System.IO.Compression;

namespace ServingBench.Wire.Compression;

/// <summary>The two content codings the servers decompress: gzip (RFC 1952) and deflate, which HTTP and gRPC both mean as zlib (RFC 1950).</summary>
public enum CompressionAlgorithm
{
    Gzip,
    Deflate,
}

/// <summary>
/// One way to compress a body or a gRPC message: the algorithm and the zlib effort, named <c>gzip-fastest</c>. The token
/// (<c>gzip</c>, <c>deflate</c>) is both the HTTP <c>Content-Encoding</c> and the gRPC <c>grpc-encoding</c> value.
/// </summary>
/// <remarks>
/// The BCL's zlib-ng does the work (GZipStream, ZLibStream), as Grpc.Net's own GzipCompressionProvider and
/// DeflateCompressionProvider do. <see cref="CompressionLevel.Fastest"/> is zlib level 1, <see cref="CompressionLevel.Optimal"/>
/// level 6, which is zlib's Z_DEFAULT_COMPRESSION: the level Triton's HTTP answers and gRPC core's messages use.
/// </remarks>
public sealed record BodyCompression(CompressionAlgorithm Algorithm, CompressionLevel Level)
{
    /// <summary>Gzip at the level Triton and gRPC core compress their answers with (zlib's default).</summary>
    public static BodyCompression GzipDefault { get; } = new(CompressionAlgorithm.Gzip, CompressionLevel.Optimal);

    /// <summary>Deflate (zlib) at zlib's default level.</summary>
    public static BodyCompression DeflateDefault { get; } = new(CompressionAlgorithm.Deflate, CompressionLevel.Optimal);

    /// <summary>The HTTP Content-Encoding and grpc-encoding token.</summary>
    public string Token => TokenOf(Algorithm);

    /// <summary><c>gzip-fastest</c>, <c>deflate-optimal</c>: how the encoding reads in a scenario name.</summary>
    public string Name => $"{Token}-{LevelName(Level)}";

    public override string ToString() => Name;

    public static string TokenOf(CompressionAlgorithm algorithm) => algorithm == CompressionAlgorithm.Gzip ? "gzip" : "deflate";

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        using var sink = new BufferWriterStream(destination);
        using (var stream = CompressionStream(sink))
        {
            stream.Write(source);
        }
    }

    /// <summary>A stream that compresses what is written to it into <paramref name="inner"/> (left open).</summary>
    public Stream CompressionStream(Stream inner) => Algorithm == CompressionAlgorithm.Gzip
        ? new GZipStream(inner, Level, leaveOpen: true)
        : new ZLibStream(inner, Level, leaveOpen: true);

    private static string LevelName(CompressionLevel level) => level switch
    {
        CompressionLevel.Fastest => "fastest",
        CompressionLevel.Optimal => "optimal",
        CompressionLevel.SmallestSize => "smallest",
        _ => "none",
    };

    /// <summary>A write-only stream over an <see cref="IBufferWriter{T}"/>, so the BCL's compressors write into pooled buffers.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
