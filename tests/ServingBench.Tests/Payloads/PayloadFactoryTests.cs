using ServingBench.Payloads.Audio;

namespace ServingBench.Tests.Payloads;

public class PayloadFactoryTests
{
    [Fact]
    public void Resnet50_Tensor_Payload_Has_Real_Shapes()
    {
        var payload = PayloadFactory.Get(PayloadKind.Resnet50Tensor);
        var input = payload.TensorRequest.Input("pixel_values");
        Assert.Equal(DataType.FP32, input.DataType);
        Assert.Equal([1, 3, 224, 224], input.Shape.ToArray());
        Assert.Equal(602_112, input.Data.Length);
        Assert.Null(payload.FileRequest);
        AssertOutput(payload, "logits", DataType.FP32, [1, 1000]);
    }

    [Fact]
    public void Resnet50_Jpeg_Payload_Carries_The_File_And_The_Same_Tensor()
    {
        var payload = PayloadFactory.Get(PayloadKind.Resnet50Jpeg);
        var tensorPayload = PayloadFactory.Get(PayloadKind.Resnet50Tensor);
        Assert.True(payload.TensorRequest.Input("pixel_values").ContentEquals(tensorPayload.TensorRequest.Input("pixel_values")));
        AssertFile(payload, FixtureFiles.CatJpeg, "image/jpeg");
        AssertOutput(payload, "logits", DataType.FP32, [1, 1000]);
    }

    [Fact]
    public void Wav2Vec2_Payload_Has_N_Samples_And_T_Frames()
    {
        var payload = PayloadFactory.Get(PayloadKind.Wav2Vec2Audio);
        var input = payload.TensorRequest.Input("input_values");
        Assert.Equal(DataType.FP32, input.DataType);
        Assert.Equal(2, input.Shape.Length);
        Assert.Equal(1, input.Shape[0]);
        int n = (int)input.Shape[1];
        Assert.InRange(n, 80_000, 160_000);
        AssertFile(payload, FixtureFiles.SpeechWav, "audio/wav");
        AssertOutput(payload, "logits", DataType.FP32, [1, AudioPreprocessing.LogitFrames(n), 32]);
        Assert.Equal(((n - 400) / 320) + 1, payload.Response.Output("logits").Shape[1]);
    }

    [Fact]
    public void Bart_Payload_Has_Token_Ids_And_Generated_Ids()
    {
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        var input = payload.TensorRequest.Input("input_ids");
        Assert.Equal(DataType.Int64, input.DataType);
        Assert.Equal(1, input.Shape[0]);
        Assert.InRange(input.Shape[1], 3, 1024);
        var ids = input.AsSpan<long>();
        Assert.Equal(0, ids[0]);
        Assert.Equal(2, ids[^1]);
        AssertFile(payload, FixtureFiles.ArticleText, "text/plain; charset=utf-8");

        var output = AssertOutput(payload, "output_ids", DataType.Int64, [1, 142]).AsSpan<long>();
        Assert.Equal([2L, 0L], output[..2].ToArray());
        Assert.Equal(2, output[^1]);
        foreach (long id in output)
        {
            Assert.InRange(id, 0, 50263);
        }
    }

    [Fact]
    public void Every_Catalogue_Payload_Builds_Once_And_Names_Its_Model()
    {
        foreach (var kind in ScenarioCatalog.Payloads)
        {
            var payload = PayloadFactory.Get(kind);
            Assert.Same(payload, PayloadFactory.Get(kind));
            Assert.Equal(kind, payload.Kind);
            Assert.Equal(kind.ModelName, payload.Model.Name);
            Assert.Equal(kind.ModelName, payload.TensorRequest.ModelName);
            Assert.Equal(kind.ModelName, payload.Response.ModelName);
            Assert.Equal(payload.Model.Outputs[0].Name, Assert.Single(payload.TensorRequest.Outputs).Name);
            Assert.Equal(payload.Model.Inputs[0].Name, Assert.Single(payload.TensorRequest.Inputs).Name);
        }
    }

    [Fact]
    public void Unknown_Payload_Kind_Is_Named()
    {
        var ex = Assert.Throws<ArgumentException>(() => PayloadFactory.Get(new PayloadKind("gpt2-text", "gpt2", "not in the catalogue")));
        Assert.Contains("gpt2-text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_Logits_Are_Repeatable_And_Logit_Like()
    {
        var first = SeededOutputs.Logits(1000);
        Assert.Equal(first, SeededOutputs.Logits(1000));
        double mean = first.Average(v => (double)v);
        double std = Math.Sqrt(first.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.3, 0.3);
        Assert.InRange(std, 1.8, 2.2);
    }

    private static void AssertFile(Payload payload, string fixture, string contentType)
    {
        Assert.Equal(contentType, payload.FileContentType);
        var file = Assert.Single(Assert.IsType<InferenceRequest>(payload.FileRequest).Inputs);
        Assert.Equal("data", file.Name);
        Assert.Equal(DataType.Bytes, file.DataType);
        Assert.Equal([1], file.Shape.ToArray());
        Assert.True(Assert.Single(file.GetBytesElements()).Span.SequenceEqual(FixtureFiles.ReadAllBytes(fixture)));
    }

    private static Tensor AssertOutput(Payload payload, string name, DataType type, long[] shape)
    {
        var output = Assert.Single(payload.Response.Outputs);
        Assert.Equal(name, output.Name);
        Assert.Equal(type, output.DataType);
        Assert.Equal(shape, output.Shape.ToArray());
        return output;
    }
}
