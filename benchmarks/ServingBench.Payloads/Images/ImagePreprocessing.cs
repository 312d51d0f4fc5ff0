namespace ServingBench.Payloads.Images;

/// <summary>
/// torchvision's ResNet50 (IMAGENET1K_V1) preset: resize the shorter side to 256 (bilinear, antialias), centre
/// crop 224, scale to [0,1], normalise with the ImageNet mean/std, NCHW FP32 [1,3,224,224].
/// </summary>
/// <remarks>
/// Resampling follows PIL's / torchvision's antialiased bilinear: a separable triangle filter whose support
/// widens by the downscale factor. Both passes stay in float (torchvision's tensor path); PIL rounds to 8 bits
/// between passes, so values differ from a PIL pipeline by about 1/255 before normalisation. Only the cropped
/// window is computed.
/// </remarks>
public static class ImagePreprocessing
{
    public const int ResizeShorterSide = 256;
    public const int CropSize = 224;
    public const int Channels = 3;

    public static ReadOnlySpan<float> Mean => [0.485f, 0.456f, 0.406f];

    public static ReadOnlySpan<float> Std => [0.229f, 0.224f, 0.225f];

    /// <summary>The model input's shape for one image.</summary>
    public static long[] TensorShape => [1, Channels, CropSize, CropSize];

    public static int TensorLength => Channels * CropSize * CropSize;

    /// <summary>JPEG bytes → NCHW FP32 values, <see cref="TensorLength"/> of them.</summary>
    public static float[] FromJpeg(ReadOnlyMemory<byte> jpeg, string source)
    {
        var image = JpegDecoder.Decode(jpeg, source);
        var result = new float[TensorLength];
        ToNchw(image.Pixels, image.Width, image.Height, result);
        return result;
    }

    /// <summary>Interleaved RGB → resized, cropped, normalised NCHW values in <paramref name="destination"/>.</summary>
    public static void ToNchw(ReadOnlySpan<byte> rgb, int width, int height, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgb.Length != (long)width * height * Channels)
        {
            throw new ArgumentException($"{width}x{height} RGB needs {(long)width * height * Channels} bytes, got {rgb.Length}", nameof(rgb));
        }

        if (destination.Length != TensorLength)
        {
            throw new ArgumentException($"destination needs {TensorLength} floats, got {destination.Length}", nameof(destination));
        }

        var (resizedWidth, resizedHeight) = ResizedSize(width, height);
        int left = CropOffset(resizedWidth);
        int top = CropOffset(resizedHeight);
        var columns = ResampleWeights.Compute(width, resizedWidth, left, CropSize);
        var rows = ResampleWeights.Compute(height, resizedHeight, top, CropSize);

        // Horizontal pass over every source row into [height, 224, 3], then the vertical pass straight into NCHW.
        var horizontal = new float[height * CropSize * Channels];
        for (int y = 0; y < height; y++)
        {
            var sourceRow = rgb.Slice(y * width * Channels, width * Channels);
            var targetRow = horizontal.AsSpan(y * CropSize * Channels, CropSize * Channels);
            for (int x = 0; x < CropSize; x++)
            {
                int start = columns.Start[x];
                var weights = columns.WeightsOf(x);
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < weights.Length; k++)
                {
                    int p = (start + k) * Channels;
                    float w = weights[k];
                    r += sourceRow[p] * w;
                    g += sourceRow[p + 1] * w;
                    b += sourceRow[p + 2] * w;
                }

                targetRow[x * Channels] = r;
                targetRow[(x * Channels) + 1] = g;
                targetRow[(x * Channels) + 2] = b;
            }
        }

        const int plane = CropSize * CropSize;
        Span<float> scale = stackalloc float[Channels];
        Span<float> offset = stackalloc float[Channels];
        for (int c = 0; c < Channels; c++)
        {
            // (v/255 − mean)/std folded into one multiply-add per value.
            scale[c] = 1f / (255f * Std[c]);
            offset[c] = -Mean[c] / Std[c];
        }

        for (int y = 0; y < CropSize; y++)
        {
            int start = rows.Start[y];
            var weights = rows.WeightsOf(y);
            for (int x = 0; x < CropSize; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < weights.Length; k++)
                {
                    int p = (((start + k) * CropSize) + x) * Channels;
                    float w = weights[k];
                    r += horizontal[p] * w;
                    g += horizontal[p + 1] * w;
                    b += horizontal[p + 2] * w;
                }

                int index = (y * CropSize) + x;
                destination[index] = (r * scale[0]) + offset[0];
                destination[plane + index] = (g * scale[1]) + offset[1];
                destination[(2 * plane) + index] = (b * scale[2]) + offset[2];
            }
        }
    }

    /// <summary>torchvision's rule: the shorter side becomes 256, the longer <c>int(256 · long / short)</c>.</summary>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        if (width <= height)
        {
            return (ResizeShorterSide, (int)((long)ResizeShorterSide * height / width));
        }

        return ((int)((long)ResizeShorterSide * width / height), ResizeShorterSide);
    }

    /// <summary>torchvision's centre crop offset: <c>int(round((size − 224) / 2.0))</c>, Python's round-half-even.</summary>
    public static int CropOffset(int size) => (int)Math.Round((size - CropSize) / 2.0, MidpointRounding.ToEven);
}
