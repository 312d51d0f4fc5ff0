using System.Collections.Concurrent;
using System.Text;
using ServingBench.Payloads;
using ServingBench.Payloads.Audio;
using ServingBench.Payloads.Images;
using ServingBench.Wire;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Emulators.Backends;

/// <summary>
/// Validates every request fully, then answers with precomputed outputs of the real shapes (the payloads'
/// seeded values, so a batch-1 answer equals <see cref="Payload.Response"/>): zero model compute, which isolates
/// what the protocol costs. Files are checked by their format; a WAV is read only to learn its frame count.
/// </summary>
public sealed class CannedBackend : IInferenceBackend
{
    /// <summary>
    /// Outputs are kept per (model, batch, frames) while they fit in this many bytes; beyond it they are built per
    /// request. The benchmarks use a handful of shapes (well under 1 MB); a client sending many distinct batch
    /// sizes must not grow the server without bound.
    /// </summary>
    public const long CacheBudgetBytes = 16L * 1024 * 1024;

    private readonly ConcurrentDictionary<(string Model, long Batch, long Frames), Tensor[]> _outputs = new();
    private long _cachedBytes;

    /// <summary>Bytes of outputs held for reuse (at most <see cref="CacheBudgetBytes"/> plus one entry per racing thread).</summary>
    public long CachedBytes => Interlocked.Read(ref _cachedBytes);

    public string Name => "canned";

    public ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        long batch;
        long frames = 0;
        if (RequestValidator.IsFileRequest(model, request))
        {
            RequestValidator.ValidateOutputs(model, request);
            var files = request.Inputs[0].GetBytesElements();
            batch = files.Count;
            if (batch == 0)
            {
                throw new WireFormatException($"request for model '{model.Name}' carries no file");
            }

            foreach (var file in files)
            {
                frames = CheckFile(model, file);
            }
        }
        else
        {
            batch = RequestValidator.ValidateTensors(model, request);
            if (model.Name == ModelCatalog.Wav2Vec2)
            {
                frames = Frames(request.Inputs[0].Shape[1]);
            }
        }

        var outputs = Outputs(model, batch, frames);
        IReadOnlyList<Tensor> selected = request.Outputs.Count == 0
            ? outputs
            : [.. outputs.Where(o => request.Outputs.Any(r => r.Name == o.Name))];
        return ValueTask.FromResult(new InferenceResponse
        {
            ModelName = request.ModelName,
            ModelVersion = request.ModelVersion,
            Id = request.Id,
            Outputs = selected,
        });
    }

    private Tensor[] Outputs(ModelSignature model, long batch, long frames)
    {
        var key = (model.Name, batch, frames);
        if (_outputs.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var built = Build(model, batch, frames);
        long size = built.Sum(t => (long)t.Data.Length);
        if (Interlocked.Add(ref _cachedBytes, size) <= CacheBudgetBytes && _outputs.TryAdd(key, built))
        {
            return built;
        }

        Interlocked.Add(ref _cachedBytes, -size);
        return built;
    }

    /// <summary>Checks the file is what the model's handler reads; returns logit frames for audio, else 0.</summary>
    private static long CheckFile(ModelSignature model, ReadOnlyMemory<byte> file)
    {
        var bytes = file.Span;
        switch (model.Name)
        {
            case ModelCatalog.Resnet50:
                // The stock handler decodes the image (PIL), so a start marker followed by garbage fails there:
                // the marker segments are walked here (microseconds), short of decoding the pixels.
                try
                {
                    JpegDecoder.Validate(bytes, "request body");
                }
                catch (WireFormatException ex)
                {
                    throw new WireFormatException($"model '{model.Name}' expects a JPEG image; the body is not one: {ex.Message}", ex);
                }

                return 0;
            case ModelCatalog.Wav2Vec2:
                if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
                {
                    throw new WireFormatException($"model '{model.Name}' expects a WAV file; the body has no RIFF/WAVE header");
                }

                try
                {
                    return Frames(AudioPreprocessing.FromWav(bytes, "request body").Length);
                }
                catch (Exception ex) when (ex is not WireFormatException and not OutOfMemoryException)
                {
                    throw new WireFormatException($"model '{model.Name}': unreadable WAV file: {ex.Message}", ex);
                }

            case ModelCatalog.Bart:
                try
                {
                    string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        throw new WireFormatException($"model '{model.Name}' expects text to summarise; the body is empty");
                    }
                }
                catch (DecoderFallbackException ex)
                {
                    throw new WireFormatException($"model '{model.Name}' expects UTF-8 text; the body is not valid UTF-8", ex);
                }

                return 0;
            default:
                throw new WireFormatException($"model '{model.Name}' takes no file input");
        }
    }

    private static long Frames(long samples)
    {
        if (samples < AudioPreprocessing.ReceptiveField)
        {
            throw new WireFormatException($"audio of {samples} samples is shorter than the model's receptive field ({AudioPreprocessing.ReceptiveField})");
        }

        return AudioPreprocessing.LogitFrames(checked((int)samples));
    }

    private static Tensor[] Build(ModelSignature model, long batch, long frames)
    {
        var outputs = new Tensor[model.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            var spec = model.Outputs[i];
            long[] shape = [.. spec.Shape];
            shape[0] = batch;
            if (model.Name == ModelCatalog.Wav2Vec2)
            {
                shape[1] = frames;
            }
            else if (model.Name == ModelCatalog.Bart)
            {
                shape[1] = PayloadFactory.BartGeneratedLength;
            }

            if (shape.Any(d => d < 0))
            {
                throw new InvalidOperationException($"canned backend cannot size output '{spec.Name}' of model '{model.Name}'");
            }

            long perItem = Tensor.CountElements(spec.Name, shape) / batch;
            outputs[i] = spec.DataType switch
            {
                DataType.FP32 => Tensor.FromFloats(spec.Name, shape, Repeat(SeededOutputs.Logits((int)perItem), batch)),
                DataType.Int64 => Tensor.FromInt64s(spec.Name, shape, Repeat(SeededOutputs.GeneratedIds((int)perItem, PayloadFactory.BartVocabSize), batch)),
                _ => throw new InvalidOperationException($"canned backend has no values for {spec.DataType.ToKServeName()} output '{spec.Name}'"),
            };
        }

        return outputs;
    }

    private static T[] Repeat<T>(T[] item, long batch)
    {
        var all = new T[item.Length * batch];
        for (long b = 0; b < batch; b++)
        {
            item.CopyTo(all, b * item.Length);
        }

        return all;
    }
}
