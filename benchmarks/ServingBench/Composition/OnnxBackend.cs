using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using ServingBench.Emulators.Backends;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Processing;
using ServingBench.Models.Store;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire;
using ServingBench.Wire.Tensors;

namespace ServingBench.Composition;

/// <summary>
/// The models on ONNX Runtime behind the emulators: the InProcess class's model files (<see cref="ModelStore"/>:
/// built on first use, a real export picked up instead) and session settings (<see cref="OrtSessionFactory"/>),
/// any batch and length the signature allows. Files are preprocessed as TorchServe's stock handlers do, by each
/// model's catalogue entry (JPEG → decode, resize 256, crop 224, normalise; WAV → normalised float; text → BPE ids), and
/// the hosts write the handlers' answers from the outputs.
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

    /// <summary>
    /// The signature a generated or exported model serves: the catalogue's names with the file's fixed dimensions. A
    /// generating model's files (encoder and decoders) are not one pass of the signature, so it serves the catalogue's.
    /// </summary>
    public ModelSignature Signature(string modelName)
    {
        var entry = ModelCatalog.Get(modelName);
        var catalogue = entry.Signature;
        if (entry.GeneratedLength is not null)
        {
            return catalogue;
        }

        var file = _store.Resolve(ModelArchitecture.ParseKind(entry.BaseModel.Name), _size).Files[0];
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
        var entry = RequestValidator.Entry(model);
        var input = ModelInput(entry, model, request);
        var pool = _pools.GetOrAdd(model.Name, _ => new Lazy<EnginePool>(() => new EnginePool(() => OpenEngine(entry), _workers))).Value;
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

    /// <summary>The model's input tensor: the request's, validated, or the files preprocessed as the stock handler does (one batch row each).</summary>
    private static Tensor ModelInput(CatalogueModel entry, ModelSignature model, InferenceRequest request)
    {
        if (!RequestValidator.IsFileRequest(model, request))
        {
            RequestValidator.ValidateTensors(model, request);
            return request.Inputs[0];
        }

        return entry.Preprocess(model, RequestValidator.Files(model, request), "request body");
    }

    /// <summary>
    /// A generating model runs the BART engine (encoder once, then greedy decoder steps), any other one forward pass; a
    /// half-precision entry runs its base model's file with a Cast at the input and the output (<see cref="ModelStore.ResolveHalfPrecision"/>).
    /// </summary>
    private IEngine OpenEngine(CatalogueModel entry)
    {
        var kind = ModelArchitecture.ParseKind(entry.BaseModel.Name);
        if (entry.FloatType != DataType.FP32)
        {
            var type = entry.FloatType == DataType.FP16 ? Models.Onnx.Proto.TensorProto.Types.DataType.Float16 : Models.Onnx.Proto.TensorProto.Types.DataType.Bfloat16;
            return new SingleTensorEngine(OrtSessionFactory.Open(_store.ResolveHalfPrecision(kind, _size, type), Device.Cpu, _intraOpThreads));
        }

        var model = _store.Resolve(kind, _size);
        return entry.GeneratedLength is not null
            ? new BartEngine(new OrtBartBackend(model.Directory, Device.Cpu, _intraOpThreads), _size == ModelSize.Real ? InProcessRunner.NewTokens : 8)
            : new SingleTensorEngine(OrtSessionFactory.Open(model.MainFile, Device.Cpu, _intraOpThreads));
    }

    /// <summary>One model instance that runs one request at a time.</summary>
    private interface IEngine : IDisposable
    {
        Tensor Run(Tensor input, string outputName);
    }

    /// <summary>ResNet50 and Wav2Vec2: one float input, one float output (FP32, or FP16 / BF16 through the Cast copy), any batch and length.</summary>
    private sealed class SingleTensorEngine(InferenceSession session) : IEngine
    {
        private readonly InferenceSession _session = session;
        private readonly RunOptions _runOptions = new();
        private readonly string[] _inputNames = [session.InputNames[0]];
        private readonly string[] _outputNames = [session.OutputNames[0]];

        public Tensor Run(Tensor input, string outputName)
        {
            using var value = Value(input);
            try
            {
                using var outputs = _session.Run(_runOptions, _inputNames, [value], _outputNames);
                var result = outputs[0];
                var info = result.GetTensorTypeAndShape();
                var type = info.ElementDataType switch
                {
                    TensorElementType.Float16 => DataType.FP16,
                    TensorElementType.BFloat16 => DataType.BF16,
                    _ => DataType.FP32,
                };
                return new Tensor(outputName, type, [.. info.Shape], result.GetTensorMutableRawData().ToArray());
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

        private static OrtValue Value(Tensor input) => input.DataType switch
        {
            DataType.FP16 => OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, Float16>(input.Data.Span).ToArray(), input.Shape.ToArray()),
            DataType.BF16 => OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, BFloat16>(input.Data.Span).ToArray(), input.Shape.ToArray()),
            _ => OrtValue.CreateTensorValueFromMemory(input.AsSpan<float>().ToArray(), input.Shape.ToArray()),
        };
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
