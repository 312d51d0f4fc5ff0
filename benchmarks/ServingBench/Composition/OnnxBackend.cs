using System.Collections.Concurrent;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using ServingBench.Emulators.Backends;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Processing;
using ServingBench.Models.Store;
using ServingBench.Payloads.Audio;
using ServingBench.Payloads.Images;
using ServingBench.Payloads.Text;
using ServingBench.Wire;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Composition;

/// <summary>
/// The models on ONNX Runtime behind the emulators: the InProcess class's model files (<see cref="ModelStore"/>:
/// built on first use, a real export picked up instead) and session settings (<see cref="OrtSessionFactory"/>),
/// any batch and length the signature allows. Files are preprocessed here as TorchServe's stock handlers do
/// (JPEG → decode, resize 256, crop 224, normalise; WAV → normalised float; text → BPE ids), and the hosts write the
/// handlers' answers from the outputs.
/// </summary>
/// <remarks>
/// Concurrency: each model has a pool of engines, created on demand up to <c>workers</c> (TorchServe's model
/// workers; the same cap serves TF Serving and Triton); a request waits for a free engine. One engine runs one
/// request at a time, so BART's stateful decoder cache and the single-tensor sessions need no locks.
/// Threads: each engine's sessions get <see cref="IntraOpThreadsBesideProtocol"/> intra-op threads (sequential
/// execution), and the RoundTrip class's <c>InProcess</c> row calls the same engines, so both sides of the protocol-share
/// comparison run the model with the same threads; see <see cref="ThreadBudget"/> and docs/end-to-end.md.
/// BART generates <see cref="InProcessRunner.NewTokens"/> new tokens greedily per row (the InProcess row's work and the
/// canned answer's 142 ids), so the three rows of a payload compare the same computation.
/// </remarks>
public sealed class OnnxBackend : IInferenceBackend, IDisposable
{
    public const string BackendName = "onnx";

    private readonly ModelStore _store;
    private readonly ModelSize _size;
    private readonly int _workers;
    private readonly int _intraOpThreads;
    private readonly ConcurrentDictionary<string, Lazy<EnginePool>> _pools = new();

    /// <param name="intraOpThreads">Intra-op threads of every session; <see cref="IntraOpThreadsBesideProtocol"/> where client and server share the host.</param>
    public OnnxBackend(ModelStore store, ModelSize size, int workers, int intraOpThreads)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads, 1);
        _store = store;
        _size = size;
        _workers = workers;
        _intraOpThreads = intraOpThreads;
    }

    public string Name => BackendName;

    /// <summary>
    /// Intra-op threads per engine when the client and the server share this host: every core but one. ONNX Runtime's
    /// default (one per core) lets Kestrel's and the client's threads preempt a pool thread mid-operator, and each
    /// parallel operator waits for its slowest thread: on 2 cores that added 16–29 ms to a 115 ms ResNet50 round trip
    /// whose protocol costs 1.6 ms. The core left over carries the protocol (docs/end-to-end.md has the measurements).
    /// </summary>
    public static int IntraOpThreadsBesideProtocol => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>How the engines use threads, printed beside results.</summary>
    public static string ThreadBudget =>
        $"onnx backend and its in-process row: {IntraOpThreadsBesideProtocol} intra-op thread(s) per engine (every core of {Environment.ProcessorCount} but one, "
        + "which is left to the protocol), sequential execution, one request per engine; the InProcess class's floors use ONNX Runtime's default (one per physical core)";

    /// <summary>The signature a generated or exported model serves: the catalogue's names with the file's fixed dimensions.</summary>
    public ModelSignature Signature(string modelName)
    {
        var catalogue = ModelCatalog.Get(modelName);
        if (modelName == ModelCatalog.Bart)
        {
            return catalogue;
        }

        var file = _store.Resolve(Kind(modelName), _size).Files[0];
        return catalogue with
        {
            Inputs = [catalogue.Inputs[0] with { Shape = Dims(file.Inputs[0].Dims) }],
            Outputs = [catalogue.Outputs[0] with { Shape = Dims(file.Outputs[0].Dims) }],
        };

        static long[] Dims(long[] dims) => [-1, .. dims.Skip(1).Select(d => d > 0 ? d : -1)];
    }

    public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var input = ModelInput(model, request);
        var pool = _pools.GetOrAdd(model.Name, name => new Lazy<EnginePool>(() => new EnginePool(() => OpenEngine(name), _workers))).Value;
        var engine = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
        Tensor output;
        try
        {
            output = engine.Run(input, model.Outputs[0].Name);
        }
        finally
        {
            pool.Return(engine);
        }

        return new InferenceResponse { ModelName = request.ModelName, ModelVersion = request.ModelVersion, Id = request.Id, Outputs = [output] };
    }

    public void Dispose()
    {
        foreach (var pool in _pools.Values.Where(p => p.IsValueCreated))
        {
            pool.Value.Dispose();
        }
    }

    /// <summary>The model's input tensor: the request's, validated, or the preprocessed files (one batch row each).</summary>
    private static Tensor ModelInput(ModelSignature model, InferenceRequest request)
    {
        if (!RequestValidator.IsFileRequest(model, request))
        {
            RequestValidator.ValidateTensors(model, request);
            return request.Inputs[0];
        }

        RequestValidator.ValidateOutputs(model, request);
        var files = request.Inputs[0].GetBytesElements();
        if (files.Count == 0)
        {
            throw new WireFormatException($"request for model '{model.Name}' carries no file");
        }

        var name = model.Inputs[0].Name;
        switch (model.Name)
        {
            case ModelCatalog.Resnet50:
                var pixels = files.Select(f => Preprocess(model, "a JPEG image", () => ImagePreprocessing.FromJpeg(f, "request body"))).ToArray();
                return Tensor.FromFloats(name, [files.Count, .. ImagePreprocessing.TensorShape[1..]], Concat(pixels));
            case ModelCatalog.Wav2Vec2:
                var audio = files.Select(f => Preprocess(model, "a WAV file", () => AudioPreprocessing.FromWav(f.Span, "request body"))).ToArray();
                return audio.Any(a => a.Length != audio[0].Length)
                    ? throw new WireFormatException($"model '{model.Name}': the files of one batch differ in length")
                    : Tensor.FromFloats(name, [audio.Length, audio[0].Length], Concat(audio));
            case ModelCatalog.Bart:
                var ids = files.Select(f => Preprocess(model, "UTF-8 text", () => BartTokenizer.Fixtures.EncodeForModel(StrictUtf8.GetString(f.Span)))).ToArray();
                return ids.Any(a => a.Length != ids[0].Length)
                    ? throw new WireFormatException($"model '{model.Name}': the texts of one batch differ in token count")
                    : Tensor.FromInt64s(name, [ids.Length, ids[0].Length], Concat(ids));
            default:
                throw new WireFormatException($"model '{model.Name}' takes no file input");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static T[] Preprocess<T>(ModelSignature model, string expected, Func<T[]> preprocess)
    {
        try
        {
            return preprocess();
        }
        catch (Exception ex) when (ex is not WireFormatException and not OutOfMemoryException)
        {
            throw new WireFormatException($"model '{model.Name}' expects {expected}; the handler could not read the body: {ex.Message}", ex);
        }
    }

    private static T[] Concat<T>(T[][] rows) => [.. rows.SelectMany(r => r)];

    private IEngine OpenEngine(string modelName)
    {
        var kind = Kind(modelName);
        var model = _store.Resolve(kind, _size);
        return kind == ModelKind.Bart
            ? new BartEngine(new OrtBartBackend(model.Directory, Device.Cpu, _intraOpThreads), _size == ModelSize.Real ? InProcessRunner.NewTokens : 8)
            : new SingleTensorEngine(OrtSessionFactory.Open(model.MainFile, Device.Cpu, _intraOpThreads));
    }

    private static ModelKind Kind(string modelName) => modelName switch
    {
        ModelCatalog.Resnet50 => ModelKind.ResNet50,
        ModelCatalog.Wav2Vec2 => ModelKind.Wav2Vec2,
        ModelCatalog.Bart => ModelKind.Bart,
        _ => throw new WireFormatException($"the onnx backend has no model '{modelName}'"),
    };

    /// <summary>One model instance that runs one request at a time.</summary>
    private interface IEngine : IDisposable
    {
        Tensor Run(Tensor input, string outputName);
    }

    /// <summary>ResNet50 and Wav2Vec2: one float input, one float output, any batch and length.</summary>
    private sealed class SingleTensorEngine(InferenceSession session) : IEngine
    {
        private readonly InferenceSession _session = session;
        private readonly RunOptions _runOptions = new();
        private readonly string[] _inputNames = [session.InputNames[0]];
        private readonly string[] _outputNames = [session.OutputNames[0]];

        public Tensor Run(Tensor input, string outputName)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.ToArray());
            try
            {
                using var outputs = _session.Run(_runOptions, _inputNames, [value], _outputNames);
                var result = outputs[0];
                return Tensor.FromFloats(outputName, [.. result.GetTensorTypeAndShape().Shape], result.GetTensorDataAsSpan<float>());
            }
            catch (OnnxRuntimeException ex)
            {
                // The signature check let it through, so this is a size the model cannot take (e.g. too little audio).
                throw new WireFormatException($"the model rejected input {input}: {ex.Message}", ex);
            }
        }

        public void Dispose()
        {
            _runOptions.Dispose();
            _session.Dispose();
        }
    }

    /// <summary>BART: encoder once, then a fixed number of greedy decoder steps per row.</summary>
    private sealed class BartEngine(OrtBartBackend backend, int newTokens) : IEngine
    {
        private readonly GenerationOptions _generation = GenerationOptions.Fixed(newTokens);

        public Tensor Run(Tensor input, string outputName)
        {
            var ids = input.AsSpan<long>();
            long rows = input.Shape[0];
            int length = (int)input.Shape[1];
            var vocab = backend.VocabSize;
            var generated = new List<long>();
            for (int row = 0; row < rows; row++)
            {
                var source = ids.Slice(row * length, length);
                foreach (long id in source)
                {
                    if (id < 0 || id >= vocab)
                    {
                        throw new WireFormatException($"input_ids holds {id}, outside the model's vocabulary of {vocab}");
                    }
                }

                generated.AddRange(BartGenerator.Generate(backend, source, _generation));
            }

            return Tensor.FromInt64s(outputName, [rows, generated.Count / rows], [.. generated]);
        }

        public void Dispose() => backend.Dispose();
    }

    /// <summary>Engines of one model: created on demand up to <c>capacity</c>, each lent to one request at a time.</summary>
    private sealed class EnginePool(Func<IEngine> open, int capacity) : IDisposable
    {
        private readonly SemaphoreSlim _free = new(capacity, capacity);
        private readonly ConcurrentBag<IEngine> _idle = [];
        private readonly ConcurrentBag<IEngine> _all = [];

        public async ValueTask<IEngine> RentAsync(CancellationToken cancellationToken)
        {
            await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_idle.TryTake(out var engine))
            {
                return engine;
            }

            try
            {
                engine = open();
                _all.Add(engine);
                return engine;
            }
            catch
            {
                _free.Release();
                throw;
            }
        }

        public void Return(IEngine engine)
        {
            _idle.Add(engine);
            _free.Release();
        }

        public void Dispose()
        {
            foreach (var engine in _all)
            {
                engine.Dispose();
            }

            _free.Dispose();
        }
    }
}
