using System.Buffers.Binary;
using ServingBench.Payloads.Audio;

namespace ServingBench.Tests.Payloads;

public class AudioPreprocessingTests
{
    private static byte[] SpeechWav() => FixtureFiles.ReadAllBytes(FixtureFiles.SpeechWav);

    [Fact]
    public void Speech_Sample_Count_Equals_Data_Size_Over_Two()
    {
        var wav = SpeechWav();
        var audio = WavReader.Read(wav, FixtureFiles.SpeechWav);
        int dataSize = DataChunkSize(wav);
        Assert.Equal(dataSize / 2, audio.Samples.Length);
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(WavSampleFormat.Pcm16, audio.Format);
        Assert.InRange(audio.Samples.Length, 80_000, 160_000); // 5–10 s at 16 kHz
    }

    [Fact]
    public void Normalised_Speech_Has_Zero_Mean_Unit_Variance()
    {
        var samples = AudioPreprocessing.FromWav(SpeechWav(), FixtureFiles.SpeechWav);
        double mean = samples.Average(s => (double)s);
        double variance = samples.Average(s => (s - mean) * (s - mean));
        Assert.InRange(mean, -1e-4, 1e-4);
        Assert.InRange(variance, 0.999, 1.001);
        Assert.All(samples, s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void Normalisation_Is_Deterministic()
    {
        var first = AudioPreprocessing.FromWav(SpeechWav(), "a");
        var second = AudioPreprocessing.FromWav(SpeechWav(), "b");
        Assert.True(first.AsSpan().SequenceEqual(second));
    }

    [Theory]
    [InlineData(400, 1)]
    [InlineData(719, 1)]
    [InlineData(720, 2)]
    [InlineData(16_000, 49)]
    [InlineData(80_000, 249)]
    [InlineData(160_000, 499)]
    [InlineData(144_147, 450)]
    public void Logit_Frames_Follow_The_Conv_Stack(int samples, int frames) =>
        Assert.Equal(frames, AudioPreprocessing.LogitFrames(samples));

    [Fact]
    public void Logit_Frames_Match_Layer_By_Layer_Lengths()
    {
        int[] kernels = [10, 3, 3, 3, 3, 2, 2];
        int[] strides = [5, 2, 2, 2, 2, 2, 2];
        for (int n = 400; n < 20_000; n += 37)
        {
            int length = n;
            for (int layer = 0; layer < kernels.Length; layer++)
            {
                length = ((length - kernels[layer]) / strides[layer]) + 1;
            }

            Assert.Equal(length, AudioPreprocessing.LogitFrames(n));
        }
    }

    [Fact]
    public void Float32_Wav_Is_Read()
    {
        float[] samples = [0f, 0.5f, -0.25f, 1f];
        var audio = WavReader.Read(Wav(3, 32, 1, 16000, samples.SelectMany(BitConverter.GetBytes).ToArray()), "f.wav");
        Assert.Equal(WavSampleFormat.Float32, audio.Format);
        Assert.Equal(samples, audio.Samples);
    }

    [Fact]
    public void Extensible_Float32_Wav_Is_Read_By_Its_Sub_Format()
    {
        // WAVE_FORMAT_EXTENSIBLE: 40-byte fmt chunk whose sub-format GUID starts with the real tag (3 = IEEE float).
        var fmt = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), 1);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(4), 16000);
        BinaryPrimitives.WriteInt32LittleEndian(fmt.AsSpan(8), 64000);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), 32);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), 3);
        byte[] data = [.. BitConverter.GetBytes(0.25f), .. BitConverter.GetBytes(-0.5f)];
        byte[] wav = [.. "RIFF"u8, .. BitConverter.GetBytes(4 + 8 + 40 + 8 + data.Length), .. "WAVEfmt "u8, .. BitConverter.GetBytes(40), .. fmt, .. "data"u8, .. BitConverter.GetBytes(data.Length), .. data];

        var audio = WavReader.Read(wav, "ext.wav");
        Assert.Equal(WavSampleFormat.Float32, audio.Format);
        Assert.Equal([0.25f, -0.5f], audio.Samples);
    }

    [Fact]
    public void Pcm16_Scales_To_Unit_Range()
    {
        short[] pcm = [0, 16384, -32768, 32767];
        var audio = WavReader.Read(Wav(1, 16, 1, 16000, pcm.SelectMany(BitConverter.GetBytes).ToArray()), "p.wav");
        Assert.Equal([0f, 0.5f, -1f, 32767f / 32768f], audio.Samples);
    }

    [Theory]
    [InlineData(2, 4, 1, "MS ADPCM")]
    [InlineData(7, 8, 1, "mu-law")]
    [InlineData(1, 8, 1, "8-bit")]
    [InlineData(1, 24, 1, "24-bit")]
    [InlineData(1, 16, 2, "2 channel")]
    [InlineData(3, 64, 1, "64-bit")]
    public void Unsupported_Formats_Are_Named(int tag, int bits, int channels, string named)
    {
        var ex = Assert.Throws<WireFormatException>(() => WavReader.Read(Wav((ushort)tag, (ushort)bits, (ushort)channels, 16000, new byte[64]), "odd.wav"));
        Assert.Contains("odd.wav", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_Sample_Rate_Is_Refused_For_Wav2Vec2()
    {
        var wav = Wav(1, 16, 1, 22050, new byte[2000]);
        var ex = Assert.Throws<WireFormatException>(() => AudioPreprocessing.FromWav(wav, "fast.wav"));
        Assert.Contains("22050 Hz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_And_Garbage_Wavs_Give_Wire_Errors()
    {
        var wav = SpeechWav();
        Assert.Contains("truncated", Assert.Throws<WireFormatException>(() => WavReader.Read(wav.AsSpan(0, 1000), "cut.wav")).Message, StringComparison.Ordinal);
        Assert.Contains("not a RIFF", Assert.Throws<WireFormatException>(() => WavReader.Read(new byte[100], "zeros.wav")).Message, StringComparison.Ordinal);

        var random = new Random(12345);
        for (int length = 0; length < 200; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            if (length >= 12)
            {
                "RIFF"u8.CopyTo(bytes);
                "WAVE"u8.CopyTo(bytes.AsSpan(8));
            }

            try
            {
                WavReader.Read(bytes, "random.wav");
            }
            catch (WireFormatException)
            {
            }
        }
    }

    private static int DataChunkSize(byte[] wav)
    {
        int offset = 12;
        while (!wav.AsSpan(offset, 4).SequenceEqual("data"u8))
        {
            offset += 8 + BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(offset + 4));
        }

        return BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(offset + 4));
    }

    private static byte[] Wav(ushort tag, ushort bits, ushort channels, int rate, byte[] data)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 36 + data.Length);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), tag);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), rate * channels * bits / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), bits);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), data.Length);
        return [.. header, .. data];
    }
}
