using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Processing;
using ServingBench.Payloads.Postprocessing;

namespace ServingBench.Tests.Models;

public sealed class GenerationTests
{
    private static readonly long[] SourceIds = [0, 17, 23, 31, 40, 41, 9, 2];

    [Fact]
    public void Beam_Search_Is_Deterministic_And_Honours_Its_Constraints()
    {
        using var backend = new OrtBartBackend(TinyModels.Get(ModelKind.Bart).Directory, Device.Cpu);
        var options = new GenerationOptions { NumBeams = 4, MinLength = 8, MaxLength = 20, NoRepeatNgramSize = 3 };
        var first = BartGenerator.Generate(backend, SourceIds, options);
        var second = BartGenerator.Generate(backend, SourceIds, options);

        Assert.Equal(first, second);
        Assert.Equal(Bart.DecoderStartId, first[0]);
        Assert.Equal(Bart.BosId, first[1]);
        Assert.InRange(first.Length, options.MinLength, options.MaxLength);
        Assert.Equal(Bart.EosId, first[^1]);
        Assert.DoesNotContain(Bart.EosId, first[1..^1]);
        AssertNoRepeatedTrigram(first);
    }

    [Fact]
    public void Greedy_Stops_At_Max_Length_With_Forced_Eos()
    {
        using var backend = new OrtBartBackend(TinyModels.Get(ModelKind.Bart).Directory, Device.Cpu);
        var options = GenerationOptions.Greedy with { MinLength = 12, MaxLength = 12 };
        var sequence = BartGenerator.Generate(backend, SourceIds, options);
        Assert.Equal(12, sequence.Length);
        Assert.Equal(Bart.EosId, sequence[^1]);
        AssertNoRepeatedTrigram(sequence);
    }

    [Fact]
    public void No_Repeat_Ngram_Bans_The_Token_That_Would_Repeat_A_Trigram()
    {
        var logProbs = new float[10];
        long[] sequence = [2, 5, 6, 7, 5, 6];
        BartGenerator.Process(logProbs, sequence, new GenerationOptions { MinLength = 0, ForcedBosTokenId = null });
        Assert.Equal(float.NegativeInfinity, logProbs[7]);
        Assert.Equal(0, logProbs[5]);
    }

    [Fact]
    public void Ctc_Decode_Collapses_Repeats_Drops_Blanks_And_Maps_Delimiters()
    {
        // Frames: C C <pad> A T | | D O <pad> G  →  "CAT DOG"
        int[] ids = [19, 19, 0, 7, 6, 4, 4, 14, 8, 0, 21];
        var logits = new float[ids.Length * 32];
        for (int t = 0; t < ids.Length; t++)
        {
            logits[(t * 32) + ids[t]] = 1;
        }

        Assert.Equal("CAT DOG", CtcDecoder.Decode(logits, ids.Length));
    }

    [Fact]
    public void Top5_Orders_By_Probability_With_Labels()
    {
        float[] logits = [0.1f, 3f, 2f, 5f, -1f, 4f, 0f];
        var labels = Enumerable.Range(0, 7).Select(i => $"class{i}").ToArray();
        var top = ImageNetTopK.TopK(logits, labels);
        Assert.Equal([3, 5, 1, 2, 0], top.Select(p => p.ClassId));
        Assert.Equal("class3", top[0].Label);
        Assert.True(top[0].Probability > top[1].Probability);
    }

    private static void AssertNoRepeatedTrigram(long[] sequence)
    {
        var seen = new HashSet<(long, long, long)>();
        for (int i = 0; i + 3 <= sequence.Length; i++)
        {
            Assert.True(seen.Add((sequence[i], sequence[i + 1], sequence[i + 2])), $"trigram at {i} repeats in [{string.Join(",", sequence)}]");
        }
    }
}
