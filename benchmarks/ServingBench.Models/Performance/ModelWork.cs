namespace ServingBench.Models.Performance;

/// <summary>
/// The arithmetic and weight traffic one InProcess call cannot avoid, from the formulas in docs/models.md applied to the
/// architecture: the numerator of the "× floor" column. Work counts multiply-accumulates of the matrix products
/// and convolutions only (normalisation, activations and softmax are a rounding error next to them).
/// </summary>
/// <param name="ComputeGflop">FLOPs (2 per MAC) that can run at the host's FMA peak, in units of 10⁹.</param>
/// <param name="StreamedGigabytes">Bytes that must come from memory once per decode step, summed over the steps: the
/// memory-bound part (BART's decoder weights); zero for models that are compute-bound.</param>
/// <param name="StreamedGflop">FLOPs done while streaming those bytes (they overlap the traffic, so only the slower of
/// the two counts).</param>
public sealed record ModelWork(double ComputeGflop, double StreamedGigabytes, double StreamedGflop)
{
    /// <summary>The shortest time this work could take on a host or device with the given ceilings.</summary>
    public TimeSpan Floor(ICeiling ceiling)
    {
        ArgumentNullException.ThrowIfNull(ceiling);
        double compute = ComputeGflop / ceiling.Gflops;
        double streamed = Math.Max(StreamedGigabytes / ceiling.GigabytesPerSecond, StreamedGflop / ceiling.Gflops);
        return TimeSpan.FromSeconds(compute + streamed);
    }

    /// <summary>ResNet50 v1.5 on one image: every convolution and the classifier.</summary>
    public static ModelWork ResNet50(ResNet50 architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        long size = architecture.ImageSize / 2; // after the stride-2 stem
        long macs = ConvMacs(3, architecture.BaseWidth, 7, size);
        size /= 2; // max pool
        long inChannels = architecture.BaseWidth;
        for (int stage = 0; stage < architecture.Blocks.Length; stage++)
        {
            long planes = (long)architecture.BaseWidth << stage;
            for (int block = 0; block < architecture.Blocks[stage]; block++)
            {
                long outSize = stage > 0 && block == 0 ? size / 2 : size; // v1.5: the stride sits on the 3x3 conv
                macs += ConvMacs(inChannels, planes, 1, size)
                    + ConvMacs(planes, planes, 3, outSize)
                    + ConvMacs(planes, planes * 4, 1, outSize);
                if (block == 0)
                {
                    macs += ConvMacs(inChannels, planes * 4, 1, outSize); // downsample projection
                }

                inChannels = planes * 4;
                size = outSize;
            }
        }

        macs += inChannels * architecture.Classes;
        return new ModelWork(Gflop(macs), 0, 0);
    }

    /// <summary>Wav2Vec2 on <paramref name="samples"/> of 16 kHz audio: feature convs, projection, positional conv, encoder, CTC head.</summary>
    public static ModelWork Wav2Vec2(Wav2Vec2 architecture, long samples)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        long d = architecture.Hidden;
        long c = architecture.ConvDim;
        long length = ((samples - 10) / 5) + 1;
        long macs = c * 10 * length; // layer 0: one input channel, kernel 10, stride 5
        foreach (int kernel in (int[])[3, 3, 3, 3, 2, 2])
        {
            length = ((length - kernel) / 2) + 1;
            macs += c * c * kernel * length;
        }

        long frames = length;
        macs += frames * c * d; // feature projection
        macs += d * (d / Architectures.Wav2Vec2.PositionGroups) * Architectures.Wav2Vec2.PositionKernel * (frames + 1); // even kernel: one extra frame, dropped
        macs += architecture.LayerCount * TransformerLayerMacs(frames, d, architecture.Intermediate);
        macs += frames * d * Architectures.Wav2Vec2.VocabSize;
        return new ModelWork(Gflop(macs), 0, 0);
    }

    /// <summary>
    /// BART: encode <paramref name="sourceTokens"/>, project cross-attention K/V once, then <paramref name="steps"/>
    /// cached decode steps of one token. Each step reads every decoder weight it multiplies by (self-attention
    /// q/k/v/o, cross-attention q/o, feed-forward, LM head: docs/models.md's 227.6 M per token) once: memory-bound.
    /// </summary>
    public static ModelWork Bart(Bart architecture, long sourceTokens, int steps)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        long d = architecture.Width;
        long layers = architecture.LayerCount;
        long encode = layers * TransformerLayerMacs(sourceTokens, d, architecture.Ffn);
        long crossKeysValues = layers * 2 * sourceTokens * d * d;
        long stepWeights = (layers * ((6 * d * d) + (2 * d * architecture.Ffn))) + (d * architecture.VocabSize);
        double streamedBytes = (double)stepWeights * sizeof(float) * steps;

        // Attention over the growing self cache and the fixed cross cache: small, but arithmetic all the same.
        long attention = 0;
        for (long t = 1; t <= steps; t++)
        {
            attention += layers * 2 * d * (t + sourceTokens);
        }

        return new ModelWork(Gflop(encode + crossKeysValues), streamedBytes / 1e9, Gflop((stepWeights * steps) + attention));
    }

    /// <summary>The work of one InProcess case as <see cref="Engines.InProcessRunner"/> runs it.</summary>
    public static ModelWork ForInProcess(ModelKind kind) => kind switch
    {
        ModelKind.ResNet50 => ResNet50(new ResNet50(ModelSize.Real)),
        ModelKind.Wav2Vec2 => Wav2Vec2(new Wav2Vec2(ModelSize.Real), Engines.InProcessRunner.AudioSamples),
        ModelKind.Bart => Bart(new Bart(ModelSize.Real), Engines.InProcessRunner.SourceTokens, Engines.InProcessRunner.NewTokens),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown model"),
    };

    /// <summary>Q/K/V/O projections, the two attention products and the feed-forward pair (docs/models.md, compute).</summary>
    private static long TransformerLayerMacs(long tokens, long width, long ffn) =>
        (4 * tokens * width * width) + (2 * tokens * tokens * width) + (2 * tokens * width * ffn);

    /// <summary>Square kernel, square output of side <paramref name="outSize"/>, no groups.</summary>
    private static long ConvMacs(long inChannels, long outChannels, long kernel, long outSize) =>
        inChannels * outChannels * kernel * kernel * outSize * outSize;

    private static double Gflop(long macs) => 2.0 * macs / 1e9;
}
