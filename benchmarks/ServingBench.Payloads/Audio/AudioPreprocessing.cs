namespace ServingBench.Payloads.Audio;

/// <summary>
/// Wav2Vec2's feature extractor (do_normalize=True): 16 kHz mono FP32, each utterance shifted to zero mean
/// and unit variance with (x − mean)/sqrt(var + 1e-7) (transformers' current epsilon; about 2021 it was 1e-5).
/// </summary>
public static class AudioPreprocessing
{
    public const int SampleRate = 16000;
    public const double VarianceEpsilon = 1e-7;

    /// <summary>Samples in the conv feature encoder's receptive field (25 ms at 16 kHz).</summary>
    public const int ReceptiveField = 400;

    /// <summary>Product of the conv strides, 5·2⁶ (20 ms at 16 kHz).</summary>
    public const int Hop = 320;

    /// <summary>WAV bytes → normalised FP32 samples, the values of input_values [1,N].</summary>
    public static float[] FromWav(ReadOnlySpan<byte> wav, string source)
    {
        var audio = WavReader.Read(wav, source);
        if (audio.SampleRate != SampleRate)
        {
            throw new WireFormatException($"{source}: WAV is {audio.SampleRate} Hz; Wav2Vec2 needs {SampleRate} Hz (resample first, e.g. sox in.wav -r 16000 out.wav)");
        }

        if (audio.Samples.Length < ReceptiveField)
        {
            throw new WireFormatException($"{source}: {audio.Samples.Length} samples is shorter than Wav2Vec2's {ReceptiveField}-sample receptive field");
        }

        Normalize(audio.Samples);
        return audio.Samples;
    }

    /// <summary>(x − mean)/sqrt(var + 1e-7) in place; sums in double so the result does not depend on length rounding.</summary>
    public static void Normalize(Span<float> samples)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        double sum = 0;
        foreach (float s in samples)
        {
            sum += s;
        }

        double mean = sum / samples.Length;
        double squares = 0;
        foreach (float s in samples)
        {
            double d = s - mean;
            squares += d * d;
        }

        double inverseStd = 1.0 / Math.Sqrt((squares / samples.Length) + VarianceEpsilon);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)((samples[i] - mean) * inverseStd);
        }
    }

    /// <summary>Logit frames for N samples: each conv gives floor((L−k)/s)+1, which composes to floor((N−400)/320)+1.</summary>
    public static int LogitFrames(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, ReceptiveField);
        return ((sampleCount - ReceptiveField) / Hop) + 1;
    }
}
