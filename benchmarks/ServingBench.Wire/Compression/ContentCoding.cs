using System.IO.Compression;

namespace ServingBench.Wire.Compression;

/// <summary>
/// Undoing a content coding with a cap on what it may inflate to: a body of a few kilobytes can decompress to
/// gigabytes, so every reader stops at its limit instead of filling memory (clients, emulators and benchmarks alike).
/// </summary>
public static class ContentCoding
{
    private const int ReadChunk = 64 * 1024;

    /// <summary>The coding a Content-Encoding or grpc-encoding token names; false for identity, empty or unknown.</summary>
    public static bool TryParse(string? token, out CompressionAlgorithm algorithm)
    {
        algorithm = default;
        if (string.Equals(token, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = CompressionAlgorithm.Gzip;
            return true;
        }

        if (string.Equals(token, "deflate", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = CompressionAlgorithm.Deflate;
            return true;
        }

        return false;
    }

    /// <summary>A stream that inflates <paramref name="inner"/> (left open).</summary>
    public static Stream DecompressionStream(Stream inner, CompressionAlgorithm algorithm) => algorithm == CompressionAlgorithm.Gzip
        ? new GZipStream(inner, CompressionMode.Decompress, leaveOpen: true)
        : new ZLibStream(inner, CompressionMode.Decompress, leaveOpen: true);

    /// <summary>
    /// Inflates <paramref name="body"/> into <paramref name="destination"/> (appending). More than <paramref name="limit"/>
    /// decompressed bytes, or a body that is not valid <paramref name="algorithm"/> data, is a <see cref="WireFormatException"/>.
    /// </summary>
    public static void Decompress(ReadOnlyMemory<byte> body, CompressionAlgorithm algorithm, long limit, PooledBufferWriter destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var source = AsStream(body);
        using var inflate = DecompressionStream(source, algorithm);
        long start = destination.WrittenCount;
        try
        {
            while (true)
            {
                // One chunk at a time, so the limit is checked at most a chunk past it whatever the buffer holds.
                int read = inflate.Read(destination.GetSpan(ReadChunk)[..ReadChunk]);
                if (read == 0)
                {
                    return;
                }

                destination.Advance(read);
                if (destination.WrittenCount - start > limit)
                {
                    throw new WireFormatException($"the {BodyCompression.TokenOf(algorithm)} body inflates past the limit of {limit} bytes");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new WireFormatException($"the body is not valid {BodyCompression.TokenOf(algorithm)} data: {ex.Message}", ex);
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) => MemoryMarshal.TryGetArray(body, out var segment)
        ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
        : new MemoryStream(body.ToArray(), writable: false);
}
