namespace ServingBench.Payloads.Images;

/// <summary>
/// Per-output-pixel taps of PIL's antialiased bilinear resampling (<c>precompute_coeffs</c> in PIL's Resample.c,
/// which torchvision's antialias kernel reproduces): triangle filter, support 1 scaled by max(1, in/out),
/// weights normalised to sum 1. Computed for a window of outputs only.
/// </summary>
internal sealed class ResampleWeights
{
    private readonly float[] _weights;
    private readonly int[] _count;
    private readonly int _stride;

    private ResampleWeights(int[] start, int[] count, float[] weights, int stride)
    {
        Start = start;
        _count = count;
        _weights = weights;
        _stride = stride;
    }

    /// <summary>First source index of each output's taps.</summary>
    public int[] Start { get; }

    public ReadOnlySpan<float> WeightsOf(int output) => _weights.AsSpan(output * _stride, _count[output]);

    /// <param name="inputSize">Source length along the axis.</param>
    /// <param name="outputSize">Resized length along the axis (before cropping).</param>
    /// <param name="first">First output index wanted (the crop offset).</param>
    /// <param name="count">Number of outputs wanted (the crop size).</param>
    public static ResampleWeights Compute(int inputSize, int outputSize, int first, int count)
    {
        double scale = (double)inputSize / outputSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale; // the triangle's support is 1
        int stride = ((int)Math.Ceiling(support) * 2) + 1;

        var start = new int[count];
        var taps = new int[count];
        var weights = new float[count * stride];
        Span<double> k = stackalloc double[stride];
        for (int i = 0; i < count; i++)
        {
            double center = (first + i + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inputSize);
            int n = Math.Min(max - min, stride);
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                k[j] = Triangle((j + min - center + 0.5) / filterScale);
                sum += k[j];
            }

            for (int j = 0; j < n; j++)
            {
                weights[(i * stride) + j] = (float)(sum == 0 ? 0 : k[j] / sum);
            }

            start[i] = min;
            taps[i] = n;
        }

        return new ResampleWeights(start, taps, weights, stride);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}
