using ServingBench.Payloads.Audio;
using ServingBench.Payloads.Postprocessing;

namespace ServingBench.Payloads.Catalogue;

/// <summary>
/// CTC speech recogniser (wav2vec2-base-960h): input_values FP32 [N,S] → logits FP32 [N,T,32], T = floor((S−400)/320)+1.
/// The speech handler takes a 16 kHz WAV, normalises it, and answers the greedy CTC transcript.
/// </summary>
internal sealed class Wav2Vec2Model() : CatalogueModel(
    new ModelSignature(
        "wav2vec2",
        [new TensorSpec("input_values", DataType.FP32, [-1, -1])],
        [new TensorSpec("logits", DataType.FP32, [-1, -1, VocabSize])]) { StockAnswer = Answer },
    "a WAV file",
    "audio/wav")
{
    public const int VocabSize = 32;

    private static readonly TextAnswer Answer = new("transcript");

    /// <summary>Reads the WAV (cheap next to the model) to learn its sample count, which sizes the answer.</summary>
    public override long CheckFile(ModelSignature served, ReadOnlySpan<byte> file)
    {
        ArgumentNullException.ThrowIfNull(served);
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file[8..12].SequenceEqual("WAVE"u8))
        {
            throw new WireFormatException($"model '{served.Name}' expects {FileDescription}; the body has no RIFF/WAVE header");
        }

        try
        {
            return AudioPreprocessing.FromWav(file, "request body").Length;
        }
        catch (Exception ex) when (ex is not WireFormatException and not OutOfMemoryException)
        {
            throw new WireFormatException($"model '{served.Name}': unreadable WAV file: {ex.Message}", ex);
        }
    }

    private protected override Tensor PreprocessFiles(ModelSignature served, IReadOnlyList<ReadOnlyMemory<byte>> files, string source)
    {
        var audio = files.Select(f => ReadFile(served, () => AudioPreprocessing.FromWav(f.Span, source))).ToArray();
        var samples = Stack(served, audio, "files of one batch differ in length");
        return Tensor.FromFloats(served.Inputs[0].Name, [audio.Length, audio[0].Length], samples);
    }

    /// <summary>Logit frames for <paramref name="inputLength"/> samples; too little audio for one frame is the client's error.</summary>
    public override long OutputLength(long inputLength) => inputLength < AudioPreprocessing.ReceptiveField
        ? throw new WireFormatException($"audio of {inputLength} samples is shorter than the model's receptive field ({AudioPreprocessing.ReceptiveField})")
        : AudioPreprocessing.LogitFrames(checked((int)inputLength));

    public override void WriteStockAnswer(Tensor output, IBufferWriter<byte> body)
    {
        ArgumentNullException.ThrowIfNull(output);
        int frames = (int)output.Shape[1];
        Answer.Write(CtcDecoder.Decode(output.AsSpan<float>()[..(frames * CtcDecoder.Vocabulary.Count)], frames), body);
    }
}
