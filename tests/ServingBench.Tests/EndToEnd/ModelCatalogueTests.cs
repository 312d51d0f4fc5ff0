using System.Buffers;
using ServingBench.Composition;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.TorchServe;
using ServingBench.Models.Architectures;
using ServingBench.Payloads.Catalogue;
using ServingBench.Tests.Models;

namespace ServingBench.Tests.EndToEnd;

/// <summary>
/// Every model of the catalogue is served by every backend and answered by its stock handler: the serving side
/// needs nothing but the model's entry, so no model falls through to "unknown model" anywhere.
/// </summary>
public sealed class ModelCatalogueTests
{
    private const int Seed = 12345; // same seed, repeatable inputs

    public static TheoryData<string> ModelNames() => [.. ModelCatalog.All.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Every_Model_Has_A_Payload_With_Its_File_And_A_Builder(string name)
    {
        // A half-precision entry has a tensor payload of its own; its file and its builder are its base model's.
        var model = ModelCatalog.Get(name);
        Assert.Contains(AllPayloads, p => p.ModelName == name);
        Assert.Contains(ScenarioCatalog.Payloads, p => p.ModelName == model.BaseModel.Name && PayloadFactory.Get(p).FileRequest is not null);
        string builder = model.BaseModel.Name;
        Assert.Equal(builder, ModelArchitecture.Create(ModelArchitecture.ParseKind(builder), ModelSize.Tiny).Name.Replace("-tiny", string.Empty, StringComparison.Ordinal));
    }

    private static IEnumerable<PayloadKind> AllPayloads => ScenarioCatalog.Payloads.Concat(ScenarioCatalog.HalfPayloads);

    [Fact]
    public void Every_Payload_Names_A_Catalogue_Model_And_Carries_Its_Signature()
    {
        Assert.All(AllPayloads, p => Assert.Same(ModelCatalog.Get(p.ModelName).Signature, PayloadFactory.Get(p).Model));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public async Task The_Canned_Backend_Answers_Tensors_And_Files_Alike_And_The_Handler_Answers_In_The_Models_Form(string name)
    {
        var model = ModelCatalog.Get(name);
        var payload = AllPayloads.Where(p => p.ModelName == name).Select(PayloadFactory.Get).First();
        var file = ScenarioCatalog.Payloads.Where(p => p.ModelName == model.BaseModel.Name).Select(PayloadFactory.Get).First(p => p.FileRequest is not null).FileRequest!;
        var canned = new CannedBackend();

        var fromTensors = await canned.InferAsync(model.Signature, payload.TensorRequest, CancellationToken.None);
        var fromFile = await canned.InferAsync(model.Signature, file, CancellationToken.None);

        AssertOutputsOf(model.Signature, fromTensors);
        Assert.True(payload.Response.Outputs[0].ContentEquals(fromTensors.Outputs[0]), "a batch-1 canned answer is the payload's response");
        Assert.True(fromTensors.Outputs[0].ContentEquals(fromFile.Outputs[0]), "the file and its tensors get the same answer");
        AssertHandlerAnswers(model, model.Signature, fromFile);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public async Task The_Onnx_Backend_Runs_The_Model_And_The_Handler_Answers_In_The_Models_Form(string name)
    {
        var model = ModelCatalog.Get(name);
        using var onnx = new OnnxBackend(TinyModels.Store, ModelSize.Tiny, workers: 1, intraOpThreads: 1);
        var served = onnx.Signature(name);
        Assert.Equal(model.Signature.Inputs.Select(t => t.Name), served.Inputs.Select(t => t.Name));

        var response = await onnx.InferAsync(served, SmallRequest(served), CancellationToken.None);

        AssertOutputsOf(served, response);
        AssertHandlerAnswers(model, served, response);
    }

    private static void AssertOutputsOf(ModelSignature served, InferenceResponse response)
    {
        Assert.Equal(served.Outputs.Select(s => (s.Name, s.DataType)), response.Outputs.Select(o => (o.Name, o.DataType)));
        Assert.All(response.Outputs, o => Assert.Equal(1, o.Shape[0]));
    }

    private static void AssertHandlerAnswers(CatalogueModel model, ModelSignature served, InferenceResponse response)
    {
        var body = new ArrayBufferWriter<byte>();
        DefaultHandlers.WriteAnswer(served, response, body);
        Assert.True(model.StockAnswer.TryRead(body.WrittenSpan, served.Name, out var answer), System.Text.Encoding.UTF8.GetString(body.WrittenSpan));
        Assert.True(model.StockAnswer.IsAnswer(answer));
    }

    /// <summary>
    /// One row every tiny model takes, from the signature alone: a variable dimension is 1,600 long for FP32 (0.1 s of
    /// audio) and 8 for INT64 (ids inside the tiny vocabulary, between &lt;s&gt; and &lt;/s&gt;).
    /// </summary>
    private static InferenceRequest SmallRequest(ModelSignature served)
    {
        var random = new Random(Seed);
        var inputs = served.Inputs.Select(spec =>
        {
            long variable = spec.DataType == DataType.Int64 ? 8 : 1600;
            long[] shape = [1, .. spec.Shape[1..].Select(d => d < 0 ? variable : d)];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (spec.DataType == DataType.Int64)
            {
                return Tensor.FromInt64s(spec.Name, shape, [0, .. Enumerable.Range(0, (int)count - 2).Select(_ => (long)random.Next(4, 10)), 2]);
            }

            var floats = Tensor.FromFloats(spec.Name, shape, [.. Enumerable.Range(0, (int)count).Select(_ => (float)((random.NextDouble() * 2) - 1))]);
            return HalfPrecision.IsHalfType(spec.DataType) ? HalfPrecision.Narrow(floats, spec.DataType) : floats;
        });
        return new InferenceRequest { ModelName = served.Name, Inputs = [.. inputs] };
    }
}
