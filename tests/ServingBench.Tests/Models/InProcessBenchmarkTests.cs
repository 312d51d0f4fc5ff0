using ServingBench.Benchmarks;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;

namespace ServingBench.Tests.Models;

public sealed class InProcessBenchmarkTests
{
    [Theory]
    [InlineData(EngineKind.OnnxRuntime, ModelKind.ResNet50)]
    [InlineData(EngineKind.OnnxRuntime, ModelKind.Wav2Vec2)]
    [InlineData(EngineKind.OnnxRuntime, ModelKind.Bart)]
    [InlineData(EngineKind.TorchSharp, ModelKind.ResNet50)]
    [InlineData(EngineKind.TorchSharp, ModelKind.Wav2Vec2)]
    [InlineData(EngineKind.TorchSharp, ModelKind.Bart)]
    public void Every_Cpu_Case_Runs_Once_On_A_Tiny_Model(EngineKind engine, ModelKind model)
    {
        var benchmark = new InProcessBenchmarks
        {
            Case = new InProcessCase(engine, Device.Cpu, model),
            Size = ModelSize.Tiny,
            Store = TinyModels.Store,
        };
        benchmark.Setup();
        try
        {
            // Setup ran the model once; poison what it returned, so only a second, real run can make it valid again.
            switch (benchmark.Infer())
            {
                case float[] logits:
                    Array.Fill(logits, float.NaN);
                    Assert.Same(logits, benchmark.Infer());
                    Assert.All(logits, v => Assert.True(float.IsFinite(v), "the model left a logit unwritten or not finite"));
                    Assert.True(logits.Distinct().Count() > 1, "every logit is the same value");
                    break;
                case long[] ids:
                    // The start token, then the 8 tokens a tiny model generates, each a vocabulary index.
                    Assert.Equal(9, ids.Length);
                    Assert.All(ids, id => Assert.InRange(id, 0, new Bart(ModelSize.Tiny).VocabSize - 1));
                    break;
                case var other:
                    Assert.Fail($"unexpected output {other?.GetType().Name ?? "null"}");
                    break;
            }
        }
        finally
        {
            benchmark.Cleanup();
        }
    }

    [Fact]
    public void The_Batch_Case_Runs_Eight_Images_In_One_Call()
    {
        var single = new InProcessBenchmarks { Case = new InProcessCase(EngineKind.OnnxRuntime, Device.Cpu, ModelKind.ResNet50), Size = ModelSize.Tiny, Store = TinyModels.Store };
        var batch = new InProcessBenchmarks { Case = single.Case with { Batch = InProcessCase.EngineBatch }, Size = ModelSize.Tiny, Store = TinyModels.Store };
        single.Setup();
        batch.Setup();
        try
        {
            var one = (float[])single.Infer();
            var eight = (float[])batch.Infer();
            Assert.Equal(InProcessCase.EngineBatch * one.Length, eight.Length);

            // Seeded noise per image: the rows are eight different inputs, not one repeated.
            int classes = one.Length;
            var rows = Enumerable.Range(0, InProcessCase.EngineBatch).Select(i => eight.AsSpan(i * classes, classes).ToArray()).ToList();
            Assert.Equal(rows.Count, rows.Select(r => string.Join(",", r)).Distinct().Count());
        }
        finally
        {
            single.Cleanup();
            batch.Cleanup();
        }
    }

    [Fact]
    public void Cases_Leave_Out_What_This_Build_Cannot_Run_With_A_Reason()
    {
        // Every row is a parameter value (so indices agree in every process); RunnableCases leaves out the rest.
        var all = InProcessBenchmarks.Cases().ToList();
        Assert.Equal(14, all.Count); // 2 engines × 2 devices × 3 models, and ONNX Runtime's ResNet50 at batch 8 per device
        Assert.All(all.Where(c => c.WhyNot is not null), c => Assert.False(string.IsNullOrWhiteSpace(c.WhyNot)));
        Assert.All(all.Where(c => c.Device == Device.Cpu), c => Assert.Null(c.WhyNot));
        Assert.Contains(all, c => c.ToString() == "onnxruntime-cpu-resnet50");
        Assert.Contains(all, c => c.ToString() == "onnxruntime-cpu-resnet50-b8" && c.Batch == InProcessCase.EngineBatch);
    }
}
