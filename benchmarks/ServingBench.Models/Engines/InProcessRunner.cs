using ServingBench.Models.Processing;
using ServingBench.Models.Store;

namespace ServingBench.Models.Engines;

/// <summary>
/// One engine × device × model, with session, inputs and output buffers prepared in the constructor, so
/// <see cref="Infer"/> is the model call alone. Inputs are seeded (fixtures are not needed to time the model).
/// ResNet50 also runs as a batch of B different images in one call (<c>batch</c>), for the engine's own batching gain.
/// </summary>
public sealed class InProcessRunner : IDisposable
{
    /// <summary>10 s of 16 kHz audio, the Wav2Vec2 10 s row of docs/models.md's compute table.</summary>
    public const int AudioSamples = 160_000;

    /// <summary>Source length for BART (the table's 512-token encode); generation adds <see cref="NewTokens"/>.</summary>
    public const int SourceTokens = 512;

    /// <summary>141 new tokens after the start token = bart-large-cnn's max_length 142.</summary>
    public const int NewTokens = 141;

    private const int Seed = 12345; // same seed, repeatable inputs

    private readonly OrtSingleTensorModel? _single;
    private readonly TorchSharp.TorchSingleTensorModel? _torchSingle;
    private readonly ISeq2SeqBackend? _seq2seq;
    private readonly long[] _sourceIds = [];
    private readonly GenerationOptions _generation = GenerationOptions.Fixed(NewTokens);

    public InProcessRunner(EngineKind engine, Device device, ModelKind kind, ModelSize size, ModelStore store, int batch = 1)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (batch > 1 && kind != ModelKind.ResNet50)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "only ResNet50 runs in-process batches");
        }

        string? why = EngineSupport.WhyNot(engine, device);
        if (why is not null)
        {
            throw new NotSupportedException(why);
        }

        Model = store.Resolve(kind, size, new Progress<string>(Console.WriteLine));
        var random = new Random(Seed);
        switch (kind)
        {
            case ModelKind.ResNet50:
                int image = size == ModelSize.Real ? 224 : new ResNet50(size).ImageSize;
                int classes = (int)(Model.Files[0].Outputs[0].Dims is [_, > 0 and var c] ? c : new ResNet50(size).Classes);
                (_single, _torchSingle) = Open(engine, device, ModelArchitecture.Create(kind, size), Noise(random, batch * 3 * image * image), [batch, 3, image, image], [batch, classes]);
                break;
            case ModelKind.Wav2Vec2:
                int samples = size == ModelSize.Real ? AudioSamples : 16_000;
                (_single, _torchSingle) = Open(engine, device, ModelArchitecture.Create(kind, size), Noise(random, samples), [1, samples], [1, Wav2Vec2.FrameCount(samples), Wav2Vec2.VocabSize]);
                break;
            case ModelKind.Bart:
                ISeq2SeqBackend backend = engine == EngineKind.TorchSharp
                    ? new TorchSharp.TorchBartBackend(Model.Directory, new Bart(size), device)
                    : new OrtBartBackend(Model.Directory, device);
                _seq2seq = backend;
                int length = size == ModelSize.Real ? SourceTokens : 16;
                _sourceIds = new long[length];
                for (int i = 0; i < length; i++)
                {
                    _sourceIds[i] = random.Next(4, backend.VocabSize);
                }

                (_sourceIds[0], _sourceIds[^1]) = (Bart.BosId, Bart.EosId);
                if (size == ModelSize.Tiny)
                {
                    _generation = GenerationOptions.Fixed(8);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown model");
        }
    }

    public ResolvedModel Model { get; }

    /// <summary>ResNet50/W2V2: the logits buffer (overwritten per call). BART: the generated ids.</summary>
    public object Infer()
    {
        if (_single is not null)
        {
            _single.Run();
            return _single.Output;
        }

        if (_torchSingle is not null)
        {
            _torchSingle.Run();
            return _torchSingle.Output;
        }

        return BartGenerator.Generate(_seq2seq!, _sourceIds, _generation);
    }

    public void Dispose()
    {
        _single?.Dispose();
        _torchSingle?.Dispose();
        _seq2seq?.Dispose();
    }

    private (OrtSingleTensorModel?, TorchSharp.TorchSingleTensorModel?) Open(EngineKind engine, Device device, ModelArchitecture architecture, float[] input, long[] inputShape, long[] outputShape) =>
        engine == EngineKind.TorchSharp
            ? (null, new TorchSharp.TorchSingleTensorModel(Model.MainFile, architecture, input, inputShape, outputShape, device))
            : (new OrtSingleTensorModel(Model.MainFile, device, input, inputShape, outputShape), null);

    private static float[] Noise(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
