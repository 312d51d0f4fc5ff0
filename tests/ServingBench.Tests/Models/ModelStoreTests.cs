using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Onnx;
using ServingBench.Models.Onnx.Proto;
using ServingBench.Models.Store;

namespace ServingBench.Tests.Models;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "servingbench-store-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Truncated_Model_Gives_An_Error_Naming_The_File()
    {
        string source = TinyModels.Get(ModelKind.ResNet50).MainFile;
        Directory.CreateDirectory(_root);
        string truncated = Path.Combine(_root, "truncated.onnx");
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => OrtSessionFactory.Open(truncated, Device.Cpu));
        Assert.Contains(truncated, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_Model_Gives_An_Error_Naming_The_File()
    {
        Directory.CreateDirectory(_root);
        string corrupt = Path.Combine(_root, "corrupt.onnx");
        var random = new Random(12345);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        File.WriteAllBytes(corrupt, bytes);

        var error = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.Read(corrupt));
        Assert.Contains(corrupt, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cached_Build_Is_Reused_And_Rebuilt_When_Damaged()
    {
        var store = new ModelStore(_root);
        var first = store.Resolve(ModelKind.ResNet50, ModelSize.Tiny);
        var written = File.GetLastWriteTimeUtc(first.MainFile);
        var again = store.Resolve(ModelKind.ResNet50, ModelSize.Tiny);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again.MainFile));
        Assert.True(store.IsCurrent(new ResNet50(ModelSize.Tiny), first.Directory, fullCheck: true));

        File.WriteAllBytes(first.MainFile, [1, 2, 3]);
        Assert.False(store.IsCurrent(new ResNet50(ModelSize.Tiny), first.Directory, fullCheck: false));
        var rebuilt = store.Resolve(ModelKind.ResNet50, ModelSize.Tiny);
        Assert.Equal("pixel_values", rebuilt.InputName);
    }

    [Fact]
    public void Same_Size_Damage_Is_Rebuilt_On_Use_And_By_Models_Build()
    {
        var store = new ModelStore(_root);
        var architecture = new ResNet50(ModelSize.Tiny);
        var built = store.Resolve(ModelKind.ResNet50, ModelSize.Tiny);
        byte[] good = File.ReadAllBytes(built.MainFile);

        // One flipped byte keeps the size; the write moves the modification time, as any real damage does.
        FlipLastByte(built.MainFile);
        Assert.False(store.IsCurrent(architecture, built.Directory, fullCheck: false));
        store.Resolve(ModelKind.ResNet50, ModelSize.Tiny);
        Assert.Equal(good, File.ReadAllBytes(built.MainFile));

        FlipLastByte(built.MainFile);
        using var output = new StringWriter();
        ModelStoreOperations.Build(store, [ModelKind.ResNet50], ModelSize.Tiny, output);
        Assert.Equal(good, File.ReadAllBytes(built.MainFile));
        Assert.True(store.IsCurrent(architecture, built.Directory, fullCheck: true));
    }

    private static void FlipLastByte(string path)
    {
        var before = File.GetLastWriteTimeUtc(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        // File times are coarse (a few ms): make sure the damage is not stamped with the build's own time.
        if (File.GetLastWriteTimeUtc(path) == before)
        {
            File.SetLastWriteTimeUtc(path, before.AddSeconds(1));
        }
    }

    [Fact]
    public void Real_Export_In_Models_Folder_Is_Detected_With_Its_Own_Names()
    {
        // An ONNX-zoo-style file: names 'data' → 'resnetv17_dense0_fwd', written straight into models/resnet50/.
        var graph = new OnnxGraph("zoo", materialize: true, seed: 1);
        graph.Input("data", TensorProto.Types.DataType.Float, "N", 4);
        string weight = graph.Param("w", [4, 3], WeightInit.Ones);
        graph.Op("MatMul", ["data", weight], "resnetv17_dense0_fwd");
        graph.Output("resnetv17_dense0_fwd", TensorProto.Types.DataType.Float, "N", 3);
        string folder = Path.Combine(_root, "resnet50");
        Directory.CreateDirectory(folder);
        using (var stream = File.Create(Path.Combine(folder, "resnet50-v1-7.onnx")))
        {
            Google.Protobuf.MessageExtensions.WriteTo(graph.ToModel(), stream);
        }

        var resolved = new ModelStore(_root).Resolve(ModelKind.ResNet50, ModelSize.Real);
        Assert.Equal(ModelSource.UserExport, resolved.Source);
        Assert.Equal("data", resolved.InputName);
        Assert.Equal("resnetv17_dense0_fwd", resolved.OutputName);

        using var session = new OrtSingleTensorModel(resolved.MainFile, Device.Cpu, [1, 2, 3, 4], [1, 4], [1, 3]);
        session.Run();
        Assert.Equal([10f, 10f, 10f], session.Output);
    }

    [Fact]
    public void Optimum_Bart_Export_Is_Detected_And_An_Incomplete_One_Named()
    {
        var tiny = TinyModels.Get(ModelKind.Bart);
        string folder = Path.Combine(_root, "bart");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(tiny.Directory, Bart.EncoderFile), Path.Combine(folder, Bart.EncoderFile));
        var store = new ModelStore(_root);

        var missing = Assert.Throws<FileNotFoundException>(() => store.FindExport(ModelKind.Bart));
        Assert.Contains(Bart.DecoderWithPastFile, missing.Message, StringComparison.Ordinal);

        File.Copy(Path.Combine(tiny.Directory, Bart.DecoderFile), Path.Combine(folder, Bart.DecoderFile));
        File.Copy(Path.Combine(tiny.Directory, Bart.DecoderWithPastFile), Path.Combine(folder, Bart.DecoderWithPastFile));
        var export = store.Resolve(ModelKind.Bart, ModelSize.Real);
        Assert.Equal(ModelSource.UserExport, export.Source);
        Assert.Equal(["input_ids", "attention_mask"], export.Files[0].Inputs.Select(i => i.Name));
        Assert.Contains(export.Files[2].Inputs, i => i.Name == "past_key_values.0.encoder.key");
        Assert.Contains(export.Files[1].Outputs, o => o.Name == "present.1.encoder.value");
    }

    [Fact]
    public void Cuda_Without_A_Gpu_Build_Says_Why()
    {
        string? why = EngineSupport.WhyNot(EngineKind.OnnxRuntime, Device.Cuda);
        if (why is not null)
        {
            Assert.Matches("CUDA execution provider|NVIDIA GPU driver", why);
            Assert.Throws<NotSupportedException>(() => OrtSessionFactory.Open("unused.onnx", Device.Cuda));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
