using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Engines.TorchSharp;
using ServingBench.Models.Processing;
using Xunit.Abstractions;

namespace ServingBench.Tests.Models;

/// <summary>ONNX Runtime and TorchSharp run the same weights (the ONNX initializers) and must agree on tiny models.</summary>
public sealed class EngineAgreementTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void TorchSharp_Loads_On_This_Machine()
    {
        Assert.Null(TorchRuntime.WhyNot(Device.Cpu));

        // EnsureLoaded first: touching torch before it runs torch's type initializer on the unpatched glue library,
        // which fails for the whole process on libstdc++ older than GLIBCXX_3.4.32 (this test then passed only when
        // another test had loaded TorchSharp before it).
        var device = TorchRuntime.EnsureLoaded(Device.Cpu);
        Assert.Equal(global::TorchSharp.torch.CPU.type, device.type);
    }

    [Fact]
    public void ResNet50_Engines_Agree()
    {
        var architecture = new ResNet50(ModelSize.Tiny);
        int size = architecture.ImageSize;
        Compare(ModelKind.ResNet50, architecture, OnnxRuntimeTinyTests.SeededInput(3 * size * size), [1, 3, size, size], [1, architecture.Classes]);
    }

    [Fact]
    public void Wav2Vec2_Engines_Agree()
    {
        const int samples = 8000;
        Compare(ModelKind.Wav2Vec2, new Wav2Vec2(ModelSize.Tiny), OnnxRuntimeTinyTests.SeededInput(samples), [1, samples], [1, Wav2Vec2.FrameCount(samples), 32]);
    }

    [Fact]
    public void Bart_Engines_Agree_Step_By_Step()
    {
        string directory = TinyModels.Get(ModelKind.Bart).Directory;
        using var ort = new OrtBartBackend(directory, Device.Cpu);
        using var torch = new TorchBartBackend(directory, new Bart(ModelSize.Tiny), Device.Cpu);
        long[] ids = [0, 9, 8, 7, 30, 2];
        ort.Start(ids, 2);
        torch.Start(ids, 2);
        var a = new float[2 * ort.VocabSize];
        var b = new float[2 * torch.VocabSize];
        double worst = 0;
        long[][] steps = [[2, 2], [0, 0], [11, 12], [13, 14]];
        foreach (var step in steps)
        {
            ort.Step(step, a);
            torch.Step(step, b);
            worst = Math.Max(worst, MaxRelativeDifference(a, b));
            ort.ReorderCache([1, 0]);
            torch.ReorderCache([1, 0]);
        }

        output.WriteLine($"bart max relative difference {worst:E2}");
        Assert.True(worst <= Tolerance, $"max relative difference {worst:E2}");
        Assert.Equal(
            BartGenerator.Generate(ort, ids, new GenerationOptions { MinLength = 5, MaxLength = 15 }),
            BartGenerator.Generate(torch, ids, new GenerationOptions { MinLength = 5, MaxLength = 15 }));
    }

    private void Compare(ModelKind kind, ModelArchitecture architecture, float[] input, long[] inputShape, long[] outputShape)
    {
        string path = TinyModels.Get(kind).MainFile;
        using var ort = new OrtSingleTensorModel(path, Device.Cpu, input, inputShape, outputShape);
        using var torch = new TorchSingleTensorModel(path, architecture, input, inputShape, outputShape, Device.Cpu);
        ort.Run();
        torch.Run();
        double worst = MaxRelativeDifference(ort.Output, torch.Output);
        output.WriteLine($"{kind} max relative difference {worst:E2}");
        Assert.True(worst <= Tolerance, $"max relative difference {worst:E2}");
    }

    /// <summary>
    /// max|a−b| / max|a|: the largest difference relative to the output's magnitude (a per-element ratio is
    /// unbounded for logits that happen to sit near zero; float32 summation order alone moves those).
    /// </summary>
    private static double MaxRelativeDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double scale = a.Max(v => Math.Abs((double)v));
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst / Math.Max(scale, double.Epsilon);
    }
}
