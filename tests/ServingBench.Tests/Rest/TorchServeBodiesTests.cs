using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Codecs.TorchServe;
using static ServingBench.Tests.Rest.RestFixtures;

namespace ServingBench.Tests.Rest;

/// <summary>How a TorchServe body becomes model inputs, shared by the REST ("body") and gRPC ("data") codecs.</summary>
public class TorchServeBodiesTests
{
    [Fact]
    public void Jpeg_Wav_And_Text_Become_One_Bytes_Element()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xDB, 0, 0];
        byte[] wav = [.. "RIFF"u8, 4, 0, 0, 0, .. "WAVEfmt "u8];
        byte[] text = "The quick brown fox.\n"u8.ToArray();
        (byte[] File, ModelSignature Model, string ContentType)[] cases =
        [
            (jpeg, ModelCatalog.Resnet50.Signature, "image/jpeg"),
            (wav, ModelCatalog.Wav2Vec2.Signature, "audio/wav"),
            (text, ModelCatalog.Bart.Signature, "text/plain; charset=utf-8"),
        ];
        foreach (var (file, model, contentType) in cases)
        {
            Assert.Equal(contentType, TorchServeBodies.FileContentType(file));
            foreach (string? given in new[] { contentType, null })
            {
                var input = Assert.Single(TorchServeBodies.DecodeInput(file, given, model, "data").Inputs);
                Assert.Equal("data", input.Name);
                Assert.Equal(DataType.Bytes, input.DataType);
                Assert.Equal([1L], input.Shape.ToArray());
                Assert.Equal(file, input.GetBytesElements()[0].ToArray());
            }
        }
    }

    [Fact]
    public void Raw_Tensor_Bytes_Fill_The_Variable_Dimension_In_Place()
    {
        var samples = new float[1600];
        var body = new ReadOnlyMemory<byte>(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray());
        var input = Assert.Single(TorchServeBodies.DecodeInput(body, null, ModelCatalog.Wav2Vec2.Signature, "data").Inputs);
        Assert.Equal("input_values", input.Name);
        Assert.Equal([1L, 1600], input.Shape.ToArray());
        Assert.True(input.Data.Equals(body));

        var ids = Tensor.FromInt64s("input_ids", [1, 3], [0, 31414, 2]);
        var decoded = Assert.Single(TorchServeBodies.DecodeInput(ids.Data, null, ModelCatalog.Bart.Signature, "data").Inputs);
        Assert.True(ids.ContentEquals(decoded));
    }

    [Fact]
    public void Content_Type_Decides_Over_Sniffing()
    {
        byte[] jpegLooking = [0xFF, 0xD8, 0xFF, 0x00, 0, 0, 0, 0];
        var input = Assert.Single(TorchServeBodies.DecodeInput(jpegLooking, "application/octet-stream", ModelCatalog.Bart.Signature, "body").Inputs);
        Assert.Equal(DataType.Int64, input.DataType);
        input = Assert.Single(TorchServeBodies.DecodeInput(new byte[8], "text/plain", ModelCatalog.Bart.Signature, "body").Inputs);
        Assert.Equal(DataType.Bytes, input.DataType);
    }

    [Fact]
    public void Response_Reads_Back_Python_Text_Including_Ints_And_NaN()
    {
        var response = TorchServeBodies.ReadResponse("[[1, 2], [3, -4]]"u8.ToArray(), ModelCatalog.Bart.Signature, new BufferPool());
        Assert.True(Tensor.FromInt64s("output_ids", [2, 2], [1, 2, 3, -4]).ContentEquals(response.Outputs[0]));
        var floats = TorchServeBodies.ReadResponse("[\n  [\n    NaN,\n    -Infinity\n  ]\n]"u8.ToArray(), Tiny, new BufferPool());
        Assert.Equal([1L, 2], floats.Outputs[0].Shape.ToArray());
        Assert.True(float.IsNaN(floats.Outputs[0].AsSpan<float>()[0]));
    }

    [Fact]
    public void Int64_Response_Is_Written_As_Ints()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var response = new InferenceResponse { ModelName = "bart", Outputs = [Tensor.FromInt64s("output_ids", [1, 2], [0, 133])] };
        TorchServeBodies.WriteResponse(response, ModelCatalog.Bart.Signature, buffer);
        Assert.Equal("[\n  [\n    0,\n    133\n  ]\n]", BodyText(buffer.WrittenSpan.ToArray()));
    }
}
