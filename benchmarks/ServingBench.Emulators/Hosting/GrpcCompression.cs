using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;
using ServingBench.Wire.Compression;

namespace ServingBench.Emulators.Hosting;

/// <summary>
/// What a gRPC listener does with message compression, as its real server does: the <c>grpc-encoding</c> codings it
/// inflates (gRPC core: gzip and deflate; grpc-java's default registry: gzip), the cap on an inflated message, and the
/// compression of its answers, if it was started with one (docs/protocols.md).
/// </summary>
public sealed record GrpcCompression(IReadOnlyList<CompressionAlgorithm> Inflates, long MaxInflatedBytes, BodyCompression? Answers = null)
{
    /// <summary>
    /// A gRPC core server's (TF Serving's, Triton's): gzip and deflate inflated up to the options' cap, answers
    /// compressed as the options ask.
    /// </summary>
    public static GrpcCompression GrpcCore(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new([CompressionAlgorithm.Gzip, CompressionAlgorithm.Deflate], options.MaxInflatedGrpcBytes, options.GrpcAnswerCompression);
    }

    /// <summary>The providers Grpc.AspNetCore inflates requests with, each stopping at <see cref="MaxInflatedBytes"/>.</summary>
    public List<ICompressionProvider> Providers() =>
        [.. Inflates.Select(a => (ICompressionProvider)new CappedProvider(a, MaxInflatedBytes))];

    /// <summary>
    /// Inflates as Grpc.Net's own providers do (GZipStream, ZLibStream) and refuses a message that inflates past the cap
    /// with RESOURCE_EXHAUSTED, gRPC core's answer to a message over its receive limit; compressing answers uses the
    /// level of the listener's answer setting.
    /// </summary>
    private sealed class CappedProvider(CompressionAlgorithm algorithm, long limit) : ICompressionProvider
    {
        public string EncodingName => BodyCompression.TokenOf(algorithm);

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
            new BodyCompression(algorithm, compressionLevel ?? CompressionLevel.Optimal).CompressionStream(stream);

        public Stream CreateDecompressionStream(Stream stream) => new CappedStream(ContentCoding.DecompressionStream(stream, algorithm), limit);
    }

    private sealed class CappedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            return _read <= limit
                ? read
                : throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message larger than max (more than {limit} bytes inflated)"));
        }
    }
}
