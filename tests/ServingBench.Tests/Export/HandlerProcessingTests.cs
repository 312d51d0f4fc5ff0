using System.Runtime.InteropServices;
using ServingBench.Emulators.TorchServe;
using ServingBench.Export;
using ServingBench.Payloads.Audio;
using ServingBench.Payloads.Images;
using ServingBench.Wire.Codecs.TorchServe;

namespace ServingBench.Tests.Export;

/// <summary>
/// The TorchServe handler's preprocessing and answers (servingbench_processing.py, numpy and the standard library,
/// run by Debian's python3) against the suite's own .NET code on the committed fixtures: the same tensors, ids and
/// answer bytes. One Python run per class; each test reads one of its results.
/// </summary>
public sealed class HandlerProcessingTests(HandlerProcessingTests.PythonRun run) : IClassFixture<HandlerProcessingTests.PythonRun>
{
    [Fact]
    public void Image_Preprocessing_Equals_The_Suites_Bit_For_Bit_Given_The_Same_Pixels()
    {
        float[] expected = SuiteCatTensor();

        Assert.Equal(expected, run.Floats("cat_from_rgb.f32"));
    }

    [Fact]
    public void Jpeg_Through_PIL_Differs_From_The_Suites_Decoder_By_A_Few_Pixel_Levels_At_Most()
    {
        // PIL (libjpeg) and StbImageSharp decode the same file to slightly different pixels; one 8-bit level is
        // 1/(255 · 0.224) ≈ 0.0175 after normalisation. Measured on cat.jpg with Debian 12's PIL 9.4: mean 0.0014,
        // max 0.035 (two levels); the bounds allow a little more, and stay far below a preprocessing mistake.
        float[] expected = SuiteCatTensor();
        float[] actual = run.Floats("cat_from_jpeg.f32");

        Assert.Equal(expected.Length, actual.Length);
        var differences = expected.Zip(actual, (e, a) => Math.Abs(e - a)).ToArray();
        Assert.True(differences.Average() < 0.005, $"mean |difference| {differences.Average():F4}");
        Assert.True(differences.Max() < 0.06, $"max |difference| {differences.Max():F4}");
    }

    [Fact]
    public void Audio_Preprocessing_Equals_The_Suites_Bit_For_Bit()
    {
        float[] expected = AudioPreprocessing.FromWav(FixtureFiles.ReadAllBytes(FixtureFiles.SpeechWav), FixtureFiles.SpeechWav);

        Assert.Equal(expected, run.Floats("speech.f32"));
    }

    [Fact]
    public void Text_Tokenises_To_The_Ids_The_Suites_Clients_Send()
    {
        var expected = PayloadFactory.Get(PayloadKind.BartText).TensorRequest.Inputs[0].AsSpan<long>().ToArray();

        Assert.Equal(expected, run.Int64s("article.i64"));
    }

    [Theory]
    [InlineData("resnet50-jpeg", "resnet_answer.json")]
    [InlineData("wav2vec2-audio", "wav_answer.json")]
    [InlineData("bart-text", "bart_answer.json")]
    public void Stock_Answers_Equal_The_Emulators_Byte_For_Byte(string payloadName, string answerFile)
    {
        var payload = PayloadFactory.Get(ScenarioCatalog.ParsePayload(payloadName));
        AssertHandlerAnswers(answerFile, expected => DefaultHandlers.WriteAnswer(payload.Model, payload.Response, expected));
    }

    [Fact]
    public void A_Tensor_Answer_Equals_The_Emulators_Custom_Handler_Json()
    {
        var payload = PayloadFactory.Get(PayloadKind.Resnet50Tensor);
        AssertHandlerAnswers("resnet_tensor_answer.json", expected => TorchServeBodies.WriteResponse(payload.Response, payload.Model, expected));
    }

    /// <summary>The handler's answer in <paramref name="answerFile"/> is, byte for byte, what <paramref name="writeExpected"/> writes.</summary>
    private void AssertHandlerAnswers(string answerFile, Action<PooledBufferWriter> writeExpected)
    {
        using var expected = new PooledBufferWriter(new BufferPool(), 1 << 16);
        writeExpected(expected);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected.WrittenSpan), run.Text(answerFile));
    }

    /// <summary>The suite's own preprocessing of cat.jpg, which both image tests hold the handler's tensors against.</summary>
    private static float[] SuiteCatTensor() =>
        ImagePreprocessing.FromJpeg(FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg), FixtureFiles.CatJpeg);

    /// <summary>Writes the .NET side's inputs, runs check_processing.py over the shipped Python files once, keeps the folder.</summary>
    public sealed class PythonRun : IDisposable
    {
        private readonly string _work = Directory.CreateTempSubdirectory("servingbench-handler-").FullName;

        public PythonRun()
        {
            string sources = Directory.CreateDirectory(Path.Combine(_work, "sources")).FullName;
            foreach (string name in PythonSources.All)
            {
                PythonSources.Write(name, Path.Combine(sources, name));
            }

            var image = JpegDecoder.Decode(FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg), FixtureFiles.CatJpeg);
            File.WriteAllBytes(Path.Combine(_work, "cat.rgb"), image.Pixels);
            File.WriteAllText(Path.Combine(_work, "cat.size"), $"{image.Width} {image.Height}");
            var resnet = PayloadFactory.Get(PayloadKind.Resnet50Jpeg).Response.Outputs[0];
            File.WriteAllBytes(Path.Combine(_work, "resnet_logits.f32"), resnet.Data.ToArray());
            var wav = PayloadFactory.Get(PayloadKind.Wav2Vec2Audio).Response.Outputs[0];
            File.WriteAllBytes(Path.Combine(_work, "wav_logits.f32"), wav.Data.ToArray());
            File.WriteAllText(Path.Combine(_work, "wav_logits.frames"), wav.Shape[1].ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllBytes(Path.Combine(_work, "bart_ids.i64"), PayloadFactory.Get(PayloadKind.BartText).Response.Outputs[0].Data.ToArray());

            string fixtures = Path.GetDirectoryName(Path.GetDirectoryName(FixtureFiles.GetPath(FixtureFiles.CatJpeg)))!;
            ExternalTool.RunPython(ExternalTool.RepositoryPath("tests", "ServingBench.Tests", "Export", "Python", "check_processing.py"), sources, fixtures, _work);
        }

        public float[] Floats(string name) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(_work, name))).ToArray();

        public long[] Int64s(string name) => MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(Path.Combine(_work, name))).ToArray();

        public string Text(string name) => File.ReadAllText(Path.Combine(_work, name));

        public void Dispose() => Directory.Delete(_work, recursive: true);
    }
}
