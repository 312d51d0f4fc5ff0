using System.Runtime.InteropServices;
using StbImageSharp;

namespace ServingBench.Payloads.Images;

/// <summary>A decoded image: interleaved 8-bit RGB, row-major, <c>Width * Height * 3</c> bytes.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels);

/// <summary>
/// JPEG → RGB with StbImageSharp, after a structural check of our own: stb fills a truncated scan with grey
/// rather than failing, so a JPEG without its end-of-image marker is rejected here first.
/// </summary>
public static class JpegDecoder
{
    /// <summary>Larger frames are refused before decoding rather than allocated (a hostile header can claim 65535²).</summary>
    public const int MaxDimension = 16384;

    /// <exception cref="WireFormatException">The bytes are not a complete baseline or progressive JPEG.</exception>
    public static RgbImage Decode(ReadOnlyMemory<byte> jpeg, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Validate(jpeg.Span, source);

        byte[] array = MemoryMarshal.TryGetArray(jpeg, out var segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : jpeg.ToArray();

        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(array, ColorComponents.RedGreenBlue);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            throw new WireFormatException($"{source}: JPEG decode failed: {ex.Message}", ex);
        }

        if (result.Width <= 0 || result.Height <= 0 || result.Data.Length != result.Width * result.Height * 3)
        {
            throw new WireFormatException($"{source}: JPEG decoded to an empty or inconsistent {result.Width}x{result.Height} image");
        }

        return new RgbImage(result.Width, result.Height, result.Data);
    }

    /// <summary>Walks the marker segments up to the first scan, then requires an end-of-image marker after it.</summary>
    /// <exception cref="WireFormatException">The bytes are not structurally a JPEG.</exception>
    public static void Validate(ReadOnlySpan<byte> data, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            string head = Convert.ToHexString(data[..Math.Min(4, data.Length)]);
            throw new WireFormatException($"{source}: not a JPEG ({data.Length} bytes, starts with '{head}', expected FFD8)");
        }

        bool sawFrame = false;
        int offset = 2;
        while (true)
        {
            if (offset + 4 > data.Length)
            {
                throw new WireFormatException($"{source}: JPEG truncated in its headers at byte {offset} of {data.Length}");
            }

            if (data[offset] != 0xFF)
            {
                throw new WireFormatException($"{source}: JPEG corrupt: expected a marker at byte {offset}, found 0x{data[offset]:X2}");
            }

            byte marker = data[offset + 1];
            if (marker == 0xFF)
            {
                offset++; // fill byte before a marker
                continue;
            }

            int length = (data[offset + 2] << 8) | data[offset + 3];
            if (length < 2 || offset + 2 + length > data.Length)
            {
                throw new WireFormatException($"{source}: JPEG truncated: segment 0xFF{marker:X2} at byte {offset} declares {length} bytes, {data.Length - offset - 2} remain");
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 8)
                {
                    throw new WireFormatException($"{source}: JPEG frame header too short ({length} bytes)");
                }

                int height = (data[offset + 5] << 8) | data[offset + 6];
                int width = (data[offset + 7] << 8) | data[offset + 8];
                if (width == 0 || height == 0 || width > MaxDimension || height > MaxDimension)
                {
                    throw new WireFormatException($"{source}: JPEG frame {width}x{height} is outside 1..{MaxDimension} per side");
                }

                sawFrame = true;
            }

            offset += 2 + length;
            if (marker == 0xDA)
            {
                break; // start of scan: entropy-coded data follows
            }
        }

        if (!sawFrame)
        {
            throw new WireFormatException($"{source}: JPEG has a scan but no frame header");
        }

        // 0xFF 0xD9 cannot occur inside entropy-coded data (0xFF is stuffed as 0xFF00), so its absence means a cut-off file.
        if (data[offset..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0)
        {
            throw new WireFormatException($"{source}: JPEG truncated: no end-of-image marker (FFD9) after the scan data ({data.Length} bytes)");
        }
    }
}
