using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Processing;
using ServingBench.Payloads.Postprocessing;

namespace ServingBench.Tests.Models;

public sealed class OnnxRuntimeTinyTests
{
    [Fact]
    public void Tiny_ResNet50_Returns_Finite_Logits_Per_Class()
    {
        var model = TinyModels.Get(ModelKind.ResNet50);
        var architecture = new ResNet50(ModelSize.Tiny);
        var input = SeededInput(3 * architecture.ImageSize * architecture.ImageSize);
        using var session = new OrtSingleTensorModel(model.MainFile, Device.Cpu, input, [1, 3, architecture.ImageSize, architecture.ImageSize], [1, architecture.Classes]);
        session.Run();
        Assert.Equal("pixel_values", session.InputName);
        Assert.Equal("logits", session.OutputName);
        Assert.All(session.Output, v => Assert.True(float.IsNormal(v) || v == 0, $"logit {v}"));
        Assert.Contains(session.Output, v => v != 0);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(16_000)]
    public void Tiny_Wav2Vec2_Returns_T_Frames_Of_32_Logits(int samples)
    {
        var model = TinyModels.Get(ModelKind.Wav2Vec2);
        long frames = Wav2Vec2.FrameCount(samples);
        using var session = new OrtSingleTensorModel(model.MainFile, Device.Cpu, SeededInput(samples), [1, samples], [1, frames, 32]);
        session.Run();
        Assert.All(session.Output, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(frames * 32, session.Output.Length);
        Assert.NotNull(CtcDecoder.Decode(session.Output, (int)frames));
    }

    [Fact]
    public void Tiny_Bart_Fixed_Length_Generates_Exactly_N_Tokens()
    {
        using var backend = new OrtBartBackend(TinyModels.Get(ModelKind.Bart).Directory, Device.Cpu);
        long[] ids = [0, 10, 11, 12, 13, 2];
        var sequence = BartGenerator.Generate(backend, ids, GenerationOptions.Fixed(9));
        Assert.Equal(10, sequence.Length);
        Assert.Equal(2, sequence[0]);
        Assert.All(sequence, t => Assert.InRange(t, 0, backend.VocabSize - 1));
    }

    [Fact]
    public void Tiny_Bart_Kv_Cache_Matches_Recomputing_Without_Cache()
    {
        // Step-by-step logits with the cache must equal logits of decoder_model run on the whole prefix.
        using var backend = new OrtBartBackend(TinyModels.Get(ModelKind.Bart).Directory, Device.Cpu);
        long[] ids = [0, 5, 6, 7, 2];
        long[] prefix = [2, 0, 20, 21];
        backend.Start(ids, 1);
        var logits = new float[backend.VocabSize];
        foreach (long token in prefix)
        {
            backend.Step([token], logits);
        }

        var full = OrtBartReference.DecoderLogitsWithoutCache(TinyModels.Get(ModelKind.Bart).Directory, ids, prefix);
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.True(Math.Abs(logits[i] - full[i]) <= 1e-4f * Math.Max(1f, Math.Abs(full[i])), $"logit {i}: {logits[i]} vs {full[i]}");
        }
    }

    internal static float[] SeededInput(int count)
    {
        var random = new Random(12345);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
