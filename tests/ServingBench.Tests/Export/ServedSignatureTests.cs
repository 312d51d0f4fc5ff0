using ServingBench.Payloads.Catalogue;
using Google.Protobuf;
using ServingBench.Export;
using ServingBench.Export.Triton;
using ServingBench.Models.Architectures;
using ServingBench.Models.Onnx;
using ServingBench.Models.Store;

namespace ServingBench.Tests.Export;

/// <summary>
/// For the real architectures, what the export declares to each server equals what the suite's clients send: the
/// Triton configuration as the official proto reads it, and the tensors the TorchServe handler and the TF Serving
/// README are given. The ONNX files are the real graphs written without their weights (the signature is all the
/// export reads), so no gigabyte model is built.
/// </summary>
public sealed class ServedSignatureTests() : TemporaryFolderTest("servingbench-signatures-")
{
    public static TheoryData<string> Models() => ["resnet50", "wav2vec2", "bart"];

    [Theory]
    [MemberData(nameof(Models))]
    public void The_Served_Tensors_Are_The_Catalogues(string name)
    {
        var model = RealSignature(ModelArchitecture.ParseKind(name));
        var catalogue = ModelCatalog.Get(name).Signature;

        Assert.Equal(catalogue.Inputs[0], model.Input, SpecComparer.Instance);
        Assert.Equal(catalogue.Outputs[0], model.Output, SpecComparer.Instance);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Tritons_Config_Takes_The_Request_The_Clients_Send(string name)
    {
        var model = RealSignature(ModelArchitecture.ParseKind(name));
        var options = new ExportOptions { OutputDirectory = Folder, BartNewTokens = 1 };
        var written = model.IsGenerator
            ? TritonRepositoryWriter.GeneratorConfig(model, options)
            : TritonRepositoryWriter.OnnxConfig(model.Name, model.MainFile, options, batch: true);
        var config = DecodedModelConfig.Parse(ExternalTool.ProtocRoundTrip(
            "inference.ModelConfig", ExternalTool.RepositoryPath("protos", "vendored"), "model_config.proto", written.ToText(), $"{name}/config.pbtxt"));
        var catalogue = ModelCatalog.Get(name).Signature;

        foreach (var payload in ScenarioCatalog.Payloads.Where(p => p.ModelName == name))
        {
            var request = PayloadFactory.Get(payload).TensorRequest.Inputs.Single();
            var sent = (request.Name, request.DataType, Shape: request.Shape.ToArray());
            var input = config.Inputs.Single();
            Assert.Equal(catalogue.Inputs[0].Name, sent.Name);
            Assert.Equal(sent.Name, input.Name);
            Assert.Equal(ServedTensors.TritonConfigName(sent.DataType), input.DataType);

            // max_batch_size > 0: Triton prepends the batch dimension, and a request's batch may not exceed it.
            long[] dims = config.MaxBatchSize > 0 ? [-1, .. input.Dims] : input.Dims;
            Assert.True(config.MaxBatchSize == 0 || sent.Shape[0] <= config.MaxBatchSize);
            Assert.Equal(dims.Length, sent.Shape.Length);
            Assert.All(dims.Zip(sent.Shape), d => Assert.True(d.First == -1 || d.First == d.Second, $"{payload}: dims [{string.Join(",", dims)}] do not take [{string.Join(",", sent.Shape)}]"));
            Assert.Equal(catalogue.Outputs[0].Name, config.Outputs.Single(o => o.Name == catalogue.Outputs[0].Name).Name);
        }
    }

    /// <summary>The real architecture's files with their declared tensors and no weights.</summary>
    private ExportedModel RealSignature(ModelKind kind)
    {
        var architecture = ModelArchitecture.Create(kind, ModelSize.Real);
        string directory = Directory.CreateDirectory(Path.Combine(Folder, architecture.Name)).FullName;
        var files = architecture.Parts.Select(part =>
        {
            string path = Path.Combine(directory, part.FileName);
            using (var stream = File.Create(path))
            {
                part.Build(false).ToModel().WriteTo(stream);
            }

            return OnnxModelInfo.Read(path);
        }).ToArray();
        return new ExportedModel(new ResolvedModel(kind, ModelSize.Real, ModelSource.Generated, directory, files));
    }

    private sealed class SpecComparer : IEqualityComparer<TensorSpec>
    {
        public static readonly SpecComparer Instance = new();

        public bool Equals(TensorSpec? x, TensorSpec? y) =>
            x is not null && y is not null && x.Name == y.Name && x.DataType == y.DataType && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode(TensorSpec obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
