using System.Text.Json;
using ServingBench.Composition;
using ServingBench.Config;
using ServingBench.Emulators.Backends;
using ServingBench.Models.Architectures;
using ServingBench.Payloads.Catalogue;
using ServingBench.Serialization;
using ServingBench.Tests.Models;
using ServingBench.Wire.Codecs;
using Kserve = ServingBench.Wire.Protos.Kserve;
using TfServing = ServingBench.Wire.Protos.TfServing;

namespace ServingBench.Tests.Batching;

/// <summary>
/// The batch payloads (docs/batching.md): B different inputs, each made as the batch-1 input is; every framework ×
/// encoding carries them bit-exactly in its own batch form (TorchServe as B messages); official parsers read the
/// batched messages as ours do; and a backend's batched answer is the batch-1 answers row by row.
/// </summary>
public sealed class BatchPayloadTests
{
    private const int Seed = 12345; // same seed, repeatable inputs

    /// <summary>Every batch payload × every scenario that carries it (the cells SERVINGBENCH_BATCHES=all runs).</summary>
    public static TheoryData<string, string> BatchCells() => CellTheoryData.Of(ScenarioCatalog.BatchCells());

    [Theory]
    [MemberData(nameof(BatchCells))]
    public void Every_Encoding_Decodes_A_Batch_To_What_Was_Encoded(string scenarioName, string payloadName)
    {
        var @case = SerializationCase.For(EncodingSelection.None, BatchSelection.All)
            .Single(c => c.Payload.Name == payloadName && c.Encoding == scenarioName);
        var payload = PayloadFactory.Get(@case.Payload);
        var subject = SerializationSubject.Create(@case);

        subject.Verify(); // decode(encode(x)) == x, bytes and shapes, both directions (throws otherwise)

        if (SerializationSubject.CarriesBatch(@case.Scenario!))
        {
            var decoded = (InferenceRequest)subject.DecodeRequest();
            Assert.Equal(payload.BatchSize, decoded.Inputs[0].Shape[0]);
        }
        else
        {
            // TorchServe: one message per item, and the bytes on the wire are the B messages' bytes together.
            var decoded = (object[])subject.DecodeRequest();
            Assert.Equal(payload.BatchSize, decoded.Length);
            Assert.Equal(payload.Items.Sum(item => Encode(w => WireCodecs.Create(@case.Scenario!, item.Model).EncodeRequest(item.RequestFor(@case.Scenario!), w)).Length), subject.RequestBody.Length);
        }
    }

    [Theory]
    [InlineData("resnet50-tensor-b8")]
    [InlineData("resnet50-tensor-b32")]
    public void Official_Protos_Parse_Batched_Messages_As_Ours(string payloadName)
    {
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        var tensor = payload.TensorRequest.Inputs[0];

        var triton = Kserve.ModelInferRequest.Parser.ParseFrom(TensorRequestBytes(ScenarioCatalog.TritonGrpcRaw, payload));
        Assert.Equal(tensor.Shape.ToArray(), triton.Inputs[0].Shape);
        Assert.True(triton.RawInputContents[0].Span.SequenceEqual(tensor.Data.Span));

        var typed = Kserve.ModelInferRequest.Parser.ParseFrom(TensorRequestBytes(ScenarioCatalog.TritonGrpcTyped, payload));
        Assert.Equal(tensor.AsSpan<float>().ToArray(), typed.Inputs[0].Contents.Fp32Contents);

        var tf = TfServing.PredictRequest.Parser.ParseFrom(TensorRequestBytes(ScenarioCatalog.TfServingGrpcRaw, payload));
        var proto = tf.Inputs[tensor.Name];
        Assert.Equal(tensor.Shape.ToArray(), proto.TensorShape.Dim.Select(d => d.Size));
        Assert.True(proto.TensorContent.Span.SequenceEqual(tensor.Data.Span));

        var answer = Kserve.ModelInferResponse.Parser.ParseFrom(Encode(w => WireCodecs.Create(ScenarioCatalog.TritonGrpcRaw, payload.Model).EncodeResponse(payload.Response, w)));
        Assert.Equal([payload.BatchSize, ImageClassifierModel.Classes], answer.Outputs[0].Shape);
    }

    [Theory]
    [InlineData("resnet50-tensor-b8")]
    [InlineData("bart-text-b8")]
    public void System_Text_Json_Reads_B_Rows_In_Each_Json_Form(string payloadName)
    {
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        var tensor = payload.TensorRequest.Inputs[0];
        long rowElements = tensor.ElementCount / payload.BatchSize;

        // TF Serving's row form: B entries in "instances", each one input's nested rows.
        using var rows = JsonDocument.Parse(TensorRequestBytes(ScenarioCatalog.TfServingRestJsonRow, payload));
        var instances = rows.RootElement.GetProperty("instances");
        Assert.Equal(payload.BatchSize, instances.GetArrayLength());
        Assert.All(instances.EnumerateArray(), instance => Assert.Equal(rowElements, CountNumbers(instance)));

        // TF Serving's columnar form: the input's [B, …] nested arrays under "inputs".
        using var columns = JsonDocument.Parse(TensorRequestBytes(ScenarioCatalog.TfServingRestJsonCol, payload));
        var inputs = columns.RootElement.GetProperty("inputs");
        var column = inputs.ValueKind == JsonValueKind.Object ? inputs.GetProperty(tensor.Name) : inputs;
        Assert.Equal(payload.BatchSize, column.GetArrayLength());

        // Triton's JSON: shape [B, …] and every value in "data".
        using var triton = JsonDocument.Parse(TensorRequestBytes(ScenarioCatalog.TritonRestJson, payload));
        var input = triton.RootElement.GetProperty("inputs")[0];
        Assert.Equal(tensor.Shape.ToArray(), input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(tensor.ElementCount, CountNumbers(input.GetProperty("data")));
    }

    [Theory]
    [InlineData("resnet50-tensor-b32")]
    [InlineData("resnet50-jpeg-b32")]
    [InlineData("bart-text-b8")]
    public void Every_Item_Of_A_Batch_Is_A_Different_Input_Made_As_Batch_One_Is(string payloadName)
    {
        var kind = ScenarioCatalog.ParsePayload(payloadName);
        var payload = PayloadFactory.Get(kind);
        var single = PayloadFactory.Get(kind.Single!);

        Assert.Equal(kind.BatchSize, payload.Items.Count);
        var rows = payload.Items.Select(item => item.TensorRequest.Inputs[0].Data.ToArray()).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            for (int j = i + 1; j < rows.Count; j++)
            {
                Assert.False(rows[i].AsSpan().SequenceEqual(rows[j]), $"items {i} and {j} of {payloadName} are the same input");
            }
        }

        // Row 0 is the batch-1 payload's input, and each item's tensor is its own file preprocessed alone.
        Assert.True(single.TensorRequest.Inputs[0].ContentEquals(payload.Items[0].TensorRequest.Inputs[0]));
        var model = ModelCatalog.Get(kind.ModelName);
        foreach (var item in payload.Items.Where(i => i.FileRequest is not null))
        {
            var alone = model.Preprocess(model.Signature, item.FileRequest!.Inputs[0].GetBytesElements(), payloadName);
            Assert.True(alone.ContentEquals(item.TensorRequest.Inputs[0]));
        }
    }

    [Fact]
    public void The_Batch_Photos_Are_Distinct_Small_Jpegs()
    {
        Assert.Equal(32, FixtureFiles.BatchPhotos.Count);
        var files = FixtureFiles.BatchPhotos.Select(FixtureFiles.ReadAllBytes).ToList();
        Assert.All(files, bytes =>
        {
            Assert.InRange(bytes.Length, 5_000, 200_000);
            Assert.Equal([0xFF, 0xD8], bytes[..2]);
        });
        Assert.Equal(files.Count, files.Select(Convert.ToHexString).Distinct().Count());
    }

    [Theory]
    [InlineData("resnet50-tensor-b8")]
    [InlineData("bart-text-b8")]
    public async Task The_Canned_Backend_Answers_B_Rows_Each_The_Batch_One_Answer(string payloadName)
    {
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        var backend = new CannedBackend();

        var batched = (await backend.InferAsync(payload.Model, payload.TensorRequest, CancellationToken.None)).Outputs[0];

        Assert.Equal(payload.BatchSize, batched.Shape[0]);
        Assert.True(payload.Response.Outputs[0].ContentEquals(batched));
        for (int i = 0; i < payload.BatchSize; i++)
        {
            var alone = (await backend.InferAsync(payload.Model, payload.Items[i].TensorRequest, CancellationToken.None)).Outputs[0];
            Assert.True(alone.ContentEquals(batched.Row(i)), $"row {i} differs from the batch-1 answer");
        }
    }

    [Fact]
    public async Task The_Onnx_Backend_Answers_B_Rows_Each_The_Batch_One_Answer()
    {
        using var backend = new OnnxBackend(TinyModels.Store, ModelSize.Tiny, workers: 1, intraOpThreads: 1);
        var model = backend.Signature(ModelCatalog.Resnet50.Name);
        const int batch = 8;
        long[] shape = [batch, .. model.Inputs[0].Shape[1..]];
        var random = new Random(Seed);
        var pixels = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var input = Tensor.FromFloats(model.Inputs[0].Name, shape, pixels);
        var batched = (await backend.InferAsync(model, Request(model, input), CancellationToken.None)).Outputs[0];

        Assert.Equal(batch, batched.Shape[0]);
        for (int i = 0; i < batch; i++)
        {
            var alone = (await backend.InferAsync(model, Request(model, input.Row(i)), CancellationToken.None)).Outputs[0];
            var expected = alone.AsSpan<float>();
            var actual = batched.Row(i).AsSpan<float>();
            Assert.Equal(expected.Length, actual.Length);
            for (int k = 0; k < expected.Length; k++)
            {
                // Another batch size may take another kernel path: equal within float rounding, not bit for bit.
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-4f * Math.Max(1f, Math.Abs(expected[k])), $"row {i} element {k}: {actual[k]} against {expected[k]} alone");
            }
        }
    }

    [Fact]
    public void The_Switch_Parses_And_A_Bad_Value_Names_The_Variable()
    {
        Assert.Same(BatchSelection.Default, RunSettings.Batches(null));
        Assert.Same(BatchSelection.Default, RunSettings.Batches(" Default "));
        Assert.Same(BatchSelection.All, RunSettings.Batches("all"));
        Assert.Same(BatchSelection.None, RunSettings.Batches("none"));
        var error = Assert.Throws<SettingsException>(() => RunSettings.Batches("some"));
        Assert.Equal("SERVINGBENCH_BATCHES='some': expected 'default', 'all' or 'none'", error.Message);

        // Checked with the classes that read it, never for InProcess alone.
        string? Read(string name) => name == RunSettings.BatchesVariable ? "some" : null;
        Assert.Throws<SettingsException>(() => RunSettings.Check(type => type == "SerializationBenchmarks", connect: false, Read));
        RunSettings.Check(type => type == "InProcessBenchmarks", connect: false, name => name == RunSettings.ModelSizeVariable ? "tiny" : Read(name));
    }

    [Fact]
    public void The_Default_Adds_Few_Cells_And_All_Adds_Every_One()
    {
        var none = SerializationCase.For(EncodingSelection.None, BatchSelection.None);
        var defaults = SerializationCase.For(EncodingSelection.None, BatchSelection.Default);
        var all = SerializationCase.For(EncodingSelection.None, BatchSelection.All);

        Assert.DoesNotContain(none, c => c.Payload.BatchSize > 1);
        Assert.Equal(
            ["resnet50-tensor-b8/triton-rest-json", "resnet50-tensor-b8/triton-grpc-raw", "resnet50-tensor-b32/triton-rest-json", "resnet50-tensor-b32/triton-grpc-raw"],
            defaults.Where(c => c.Payload.BatchSize > 1).Select(c => c.ToString()));
        Assert.Equal(ScenarioCatalog.BatchCells().Count(), all.Count(c => c.Payload.BatchSize > 1 && !c.IsControl));
        Assert.DoesNotContain(BatchSelection.All.RoundTripCells(), c => c.Scenario.Framework == Framework.TorchServe);
    }

    private static InferenceRequest Request(ModelSignature model, Tensor input) =>
        new() { ModelName = model.Name, Inputs = [input], Outputs = [new RequestedOutput(model.Outputs[0].Name)] };

    private static long CountNumbers(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Sum(CountNumbers),
        JsonValueKind.Number => 1,
        _ => 0,
    };

    /// <summary>The payload's batched tensor request as <paramref name="scenario"/>'s codec writes it.</summary>
    private static byte[] TensorRequestBytes(Scenario scenario, Payload payload) =>
        Encode(w => WireCodecs.Create(scenario, payload.Model).EncodeRequest(payload.TensorRequest, w));

    private static byte[] Encode(Action<PooledBufferWriter> encode)
    {
        using var body = new PooledBufferWriter(new BufferPool());
        encode(body);
        return body.ToArray();
    }
}
