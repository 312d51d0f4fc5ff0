using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using ServingBench.Composition;
using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Echo;
using ServingBench.Emulators.Hosting;
using ServingBench.Payloads;
using ServingBench.ServerStatistics;
using ServingBench.Wire;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Compression;
using ServingBench.Wire.Tensors;

namespace ServingBench.Benchmarks;

/// <summary>
/// One inference round trip per invocation: encode, send, server decode + backend + encode, receive, decode.
/// <c>Echo</c> is the floor (baseline): the same request bytes over the same transport (HTTP/1.1 POST for REST
/// scenarios, a raw-bytes gRPC method for gRPC ones), answered by Kestrel with as many bytes as the scenario's
/// response has, with no codec and no backend: the round trip minus everything but moving those bytes.
/// <c>InProcess</c> is the other end: the onnx backend called directly with the same request, no protocol at all.
/// </summary>
/// <remarks>
/// Each case is scenario × payload × backend. <c>canned</c> answers with zero compute (the row is protocol cost alone);
/// <c>onnx</c> runs the model on ONNX Runtime (end to end; JPEG / WAV / text rows include the server's preprocessing);
/// <c>server</c> is a real server named by <c>SERVINGBENCH_&lt;FRAMEWORK&gt;_&lt;PROTOCOL&gt;</c> (whatever runs there;
/// the echo floor stays local). The columns of <see cref="ProtocolShareColumn"/> put the three side by side.
/// Payloads default to the ResNet50 tensor and JPEG; <c>SERVINGBENCH_ROUNDTRIP_PAYLOADS=all</c> or a comma list
/// widens it (Wav2Vec2 and BART onnx rows, seconds each, only with <c>all</c>). Batch payloads follow
/// <c>SERVINGBENCH_BATCHES</c> (<see cref="BatchSelection"/>).
/// </remarks>
[BenchmarkCategory(Categories.RoundTrip)]
[SuiteJob]
[PromptTiering]
[Config(typeof(RoundTripRows))]
public class RoundTripBenchmarks
{
    public const string PayloadsVariable = RunSettings.RoundTripPayloadsVariable;

    /// <summary>One onnx backend per process: sessions take a second to open, and every case of a test run can share them.</summary>
    private static readonly Lazy<IInferenceBackend> SharedOnnx = new(() => BackendFactory.Create(BackendFactory.Onnx, workers: 1));

    private RunningEmulators? _servers;
    private IInferenceClient? _client;
    private IInferenceBackend? _backend;
    private readonly PairedTimesRecorder _pairedFromStatistics = new();
    private IServerStatisticsReader? _statistics;
    private string _statisticsNote = string.Empty;
    private ServerCounters? _afterSetup;
    private ServerCounters? _iterationStart;
    private long _iterationTicks;
    private int _iterationCalls;
    private int _measuredCalls;
    private InferenceRequest _request = null!;
    private AnswerCheck _check = null!;
    private byte[] _wireRequest = [];
    private string _wireContentType = "application/octet-stream";
    private int _wireResponseLength;
    private Metadata _echoHeaders = [];
    private HttpClient? _echoHttp;
    private Uri? _echoUri;
    private GrpcChannel? _echoChannel;
    private CallInvoker? _echoInvoker;
    private readonly Method<RawMessage, RawMessage> _echoMethod = RawGrpc.ClientMethod(GrpcServices.EchoService, "Echo");

    [ParamsSource(nameof(Cases))]
    public RoundTripCase Case { get; set; } = new(ScenarioCatalog.TritonGrpcRaw, PayloadKind.Resnet50Tensor, BackendFactory.Canned);

    /// <summary>
    /// Every selected scenario × payload with the canned backend, then with onnx (ResNet50 payloads always, the
    /// others with <c>all</c>), adjacent so the two rows read side by side; one <c>server</c> row instead where a
    /// real server is configured. After each plain cell come its selected encoding cells
    /// (<see cref="RunSettings.EncodingsForListing"/>): compressed ones with the canned backend only (the model's work
    /// does not change with the coding), half-precision ones with both (the model casts at its entry and exit).
    /// </summary>
    public static IEnumerable<RoundTripCase> Cases()
    {
        // Every selected payload gets its onnx row; the default selection is the two ResNet50 payloads.
        var payloads = RunSettings.RoundTripPayloadsForListing();
        var encodings = RunSettings.EncodingsForListing().Cells().ToList();
        var servers = RunSettings.Servers();
        foreach (var (scenario, payload) in ScenarioCatalog.Cells().Where(c => payloads.Contains(c.Payload)))
        {
            var variants = encodings.Where(c => ScenarioCatalog.Twin(c.Scenario, c.Payload) == (scenario, payload));
            foreach (var (cellScenario, cellPayload) in variants.Prepend((scenario, payload)))
            {
                if (servers.Address(cellScenario.Framework, cellScenario.Protocol) is not null)
                {
                    yield return new RoundTripCase(cellScenario, cellPayload, RoundTripCase.Server);
                    continue;
                }

                yield return new RoundTripCase(cellScenario, cellPayload, BackendFactory.Canned);
                if (cellScenario.Compression is null)
                {
                    yield return new RoundTripCase(cellScenario, cellPayload, BackendFactory.Onnx);
                }
            }
        }

        // The batch cells last, so the rows above keep their order: B items per call, the canned backend by default
        // (the protocol's per-item cost), the model too with SERVINGBENCH_BATCHES=all.
        var batches = RunSettings.BatchesForListing();
        foreach (var (scenario, payload) in batches.RoundTripCells())
        {
            if (servers.Address(scenario.Framework, scenario.Protocol) is not null)
            {
                yield return new RoundTripCase(scenario, payload, RoundTripCase.Server);
                continue;
            }

            yield return new RoundTripCase(scenario, payload, BackendFactory.Canned);
            if (batches == BatchSelection.All)
            {
                yield return new RoundTripCase(scenario, payload, BackendFactory.Onnx);
            }
        }
    }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Before each Infer iteration of a model or server row: the server's counters, outside the timed region. Canned
    /// rows read nothing here (their iterations are hundreds of calls; their split comes from setup and cleanup).
    /// </summary>
    [IterationSetup(Target = nameof(Infer))]
    public void BeforeIteration()
    {
        _iterationTicks = 0;
        _iterationCalls = 0;
        _iterationStart = PairsEachIteration ? TryRead() : null;
    }

    /// <summary>After each Infer iteration: the engine time the server published for exactly this iteration's calls, paired with their round trips.</summary>
    [IterationCleanup(Target = nameof(Infer))]
    public void AfterIteration()
    {
        if (_iterationStart is not { } before || _iterationCalls == 0 || TryRead() is not { } after)
        {
            return;
        }

        // Only a delta that counts exactly this iteration's calls pairs them (a real server may serve other clients too).
        if (after.Requests - before.Requests == _iterationCalls)
        {
            double roundTripNs = Stopwatch.GetElapsedTime(0, _iterationTicks).TotalNanoseconds;
            _pairedFromStatistics.AddNanoseconds(roundTripNs / _iterationCalls, (after.EngineNs - before.EngineNs) / _iterationCalls);
        }
    }

    /// <summary>Model and real-server rows pair each iteration with the server's engine time: their calls are long enough (≥ 100 ms for a model) that one read per iteration costs nothing measured.</summary>
    private bool PairsEachIteration => _statistics is not null && Case.Backend != BackendFactory.Canned;
    /// <summary>The floor: the request's wire bytes there, the response's size back, over the scenario's transport.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Echo()
    {
        int received;
        if (Case.Scenario.Protocol == Protocol.Rest)
        {
            using var content = new ReadOnlyMemoryContent(_wireRequest);
            content.Headers.TryAddWithoutValidation("Content-Type", _wireContentType);
            using var response = await _echoHttp!.PostAsync(_echoUri, content).ConfigureAwait(false);
            received = (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length;
        }
        else
        {
            using var call = _echoInvoker!.AsyncUnaryCall(_echoMethod, null, new CallOptions(headers: _echoHeaders), new RawMessage(_wireRequest));
            received = (await call.ResponseAsync.ConfigureAwait(false)).Bytes.Length;
        }

        return received == _wireResponseLength
            ? received
            : throw new InvalidOperationException($"echo returned {received} bytes, expected {_wireResponseLength}");
    }

    /// <remarks>
    /// Each call also adds its own round trip to the iteration's, for the paired check against the engine time the
    /// server publishes for the iteration (<see cref="PairedTimes"/>): two clock reads, tens of nanoseconds against a
    /// round trip of 0.5 ms or more.
    /// </remarks>
    [Benchmark]
    public async Task<InferenceResponse> Infer()
    {
        long sent = Stopwatch.GetTimestamp();
        var response = await _client!.InferAsync(_request).ConfigureAwait(false);
        _check.Validate(response);
        long roundTrip = Stopwatch.GetTimestamp() - sent;
        _iterationTicks += roundTrip;
        _iterationCalls++;
        _measuredCalls++;
        return response;
    }

    /// <summary>The same request to the same onnx backend, called directly: the model (and preprocessing) with no protocol.</summary>
    [Benchmark]
    public async Task<InferenceResponse> InProcess()
    {
        var response = await _backend!.InferAsync(_client!.Model, _request, CancellationToken.None).ConfigureAwait(false);
        _check.Validate(response);
        return response;
    }

    /// <summary>The paired figures from the server's statistics, one sample per iteration (null before two).</summary>
    internal PairedTimes? PairedFromStatistics => _pairedFromStatistics.Summarise();

    public async Task SetupAsync()
    {
        var payload = PayloadFactory.Get(Case.Payload);
        var scenario = Case.Scenario;
        _request = payload.RequestFor(scenario);
        var servers = RunSettings.Servers();
        var target = servers.Address(scenario.Framework, scenario.Protocol);
        _backend = Case.Backend == BackendFactory.Onnx ? SharedOnnx.Value : BackendFactory.Create(BackendFactory.Canned, workers: 1);
        var replaying = new ReplayingBackend(_backend);
        // A compressed gRPC cell runs against a server started to compress its answers, as the catalogue says it does.
        var answers = ScenarioCatalog.AnswerCompression(scenario);
        var options = new EmulatorOptions { Backend = replaying, GrpcAnswerCompression = scenario.Protocol == Protocol.Grpc ? answers : null };
        _servers = await EmulatedServers.StartAsync(options, target is null ? [scenario.Framework] : [], withEcho: true).ConfigureAwait(false);
        var address = target ?? _servers.Address(scenario.Framework, scenario.Protocol);
        _client = target is null
            ? await InferenceClients.ConnectAsync(scenario, payload.Model, address).ConfigureAwait(false)
            : await InferenceClients.ConnectAsync(scenario, payload.Model, target, servers.ModelName(scenario.Framework, payload.Model.Name)).ConfigureAwait(false);
        _statistics = StatisticsEndpoints.Reader(scenario.Framework, scenario.Protocol, address, _client.ModelName,
            RunSettings.StatisticsAddress(scenario.Framework) ?? (target is null ? EmulatorStatisticsAddress(scenario.Framework) : null));
        ServerTimes.Delete(ServerTimes.PathOf(ServerTimes.OwnBinariesDirectory, Case.ToString()));

        // What a right answer is: the canned outputs exactly; the model's own output for this request (computed
        // here, without the protocol) within float tolerance; a real server's in name, type and batch.
        _check = Case.Backend switch
        {
            BackendFactory.Onnx => AnswerCheck.Equal(Case, (await replaying.RecordAsync(payload.Model, _request, CancellationToken.None).ConfigureAwait(false)).Outputs[0]),
            RoundTripCase.Server => AnswerCheck.Shaped(Case, _client.Model, payload.Response.Outputs[0], exactShape: false),
            _ => AnswerCheck.Shaped(Case, _client.Model, payload.Response.Outputs[0], exactShape: true),
        };

        // The echo carries exactly what the client sends for this cell, and answers with as many bytes as the server:
        // compressed bytes for a compressed cell, moved without compressing or inflating anything.
        var codec = WireCodecs.Create(scenario, _client.Model);
        using (var body = new PooledBufferWriter(new BufferPool()))
        {
            _wireContentType = codec.EncodeRequest(_request, body).ContentType;
            _wireRequest = Travelling(body, scenario.Compression);
            body.Clear();
            codec.EncodeResponse(payload.Response, body);
            _wireResponseLength = Travelling(body, answers).Length;
        }

        string responseBytes = _wireResponseLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _echoHeaders = new Metadata { { EchoEmulator.ResponseBytesHeader, responseBytes } };

        if (scenario.Protocol == Protocol.Rest)
        {
            _echoUri = new Uri(_servers.Address(EndpointRole.EchoRest), "echo");
            _echoHttp = RestInferenceClient.CreateHttpClient(_echoUri);
            _echoHttp.DefaultRequestHeaders.Add(EchoEmulator.ResponseBytesHeader, responseBytes);
        }
        else
        {
            _echoChannel = GrpcInferenceClient.CreateChannel(_servers.Address(EndpointRole.EchoGrpc));
            _echoInvoker = _echoChannel.CreateCallInvoker();
        }

        // Tiered compilation keeps recompiling the client, codec and Kestrel paths for the first thousand or so
        // calls (a TorchServe round trip measured 1.0 ms, then settled near 0.4 ms); the measured iterations must
        // read the protocol, not the JIT. Bounded in time and count, so slow JSON cases still start promptly.
        // A model row makes too few calls of its own to get there, so its protocol path is warmed the same way with
        // the model's recorded answer (ReplayingBackend); then a few real calls settle the engine.
        if (Case.Backend == BackendFactory.Onnx)
        {
            replaying.Replaying = true;
            await WarmUpAsync(Infer, WarmUpTime).ConfigureAwait(false);
            replaying.Replaying = false;
            await WarmUpAsync(Infer, OnnxWarmUpTime).ConfigureAwait(false);
            await WarmUpAsync(InProcess, OnnxWarmUpTime).ConfigureAwait(false);
        }
        else
        {
            await WarmUpAsync(Echo, WarmUpTime).ConfigureAwait(false);
            await WarmUpAsync(Infer, WarmUpTime).ConfigureAwait(false);
        }

        // The paired figures cover BenchmarkDotNet's calls only (its pilot, warm-up and measured iterations).
        _pairedFromStatistics.Clear();
        _measuredCalls = 0;
        _afterSetup = TryRead();
        if (_statistics is not null && _afterSetup is null)
        {
            // One line in the benchmark's log; its statistics columns read '-'.
            Console.WriteLine($"// ServingBench: {Case}: no server statistics ({_statisticsNote})");
        }
    }

    /// <summary>Where the embedded emulator publishes statistics away from its inference endpoints: TorchServe's metrics port, TF Serving's REST port.</summary>
    private Uri? EmulatorStatisticsAddress(Framework framework)
    {
        var role = framework switch
        {
            Framework.TorchServe => EndpointRole.Metrics,
            Framework.TfServing => EndpointRole.Rest,
            _ => (EndpointRole?)null,
        };
        return role is { } wanted ? _servers!.Endpoints.FirstOrDefault(e => e.Framework == framework && e.Role == wanted)?.Address : null;
    }

    /// <summary>The server's counters now; null (and the reason kept for the note) when they cannot be read.</summary>
    private ServerCounters? TryRead()
    {
        if (_statistics is null || _statisticsNote.Length > 0)
        {
            return null;
        }

        try
        {
            return _statistics.ReadAsync().GetAwaiter().GetResult();
        }
        catch (StatisticsUnavailableException ex)
        {
            _statisticsNote = ex.Message;
            return null;
        }
    }

    private static byte[] Travelling(PooledBufferWriter body, BodyCompression? compression)
    {
        if (compression is null)
        {
            return body.ToArray();
        }

        using var compressed = new PooledBufferWriter(body.Pool, body.WrittenCount);
        compression.Compress(body.WrittenSpan, compressed);
        return compressed.ToArray();
    }

    private static async Task WarmUpAsync<T>(Func<Task<T>> call, TimeSpan time)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < WarmUpCalls && clock.Elapsed < time; i++)
        {
            await call().ConfigureAwait(false);
        }
    }

    private const int WarmUpCalls = 4000;
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan OnnxWarmUpTime = TimeSpan.FromSeconds(0.3);

    public async Task CleanupAsync()
    {
        // Only the process that benchmarked Infer writes the case's figures (Echo's and InProcess's processes make no
        // Infer calls after setup).
        if (_measuredCalls > 0 && _statistics is not null)
        {
            var split = _afterSetup is { } start && TryRead() is { } end ? ServerSplit.Between(start, end) : null;
            string source = _statisticsNote.Length > 0 ? _statisticsNote : _statistics.Source;
            string path = ServerTimes.PathOf(ServerTimes.OwnBinariesDirectory, Case.ToString());
            new ServerTimes(source, split, PairedFromStatistics).Write(path);
            Console.WriteLine($"// ServingBench: {Case}: the server's statistics for the host in {path}");
        }

        _statistics?.Dispose();
        _statistics = null;
        _client?.Dispose();
        _echoHttp?.Dispose();
        _echoChannel?.Dispose();
        if (_servers is not null)
        {
            await _servers.DisposeAsync().ConfigureAwait(false);
        }

        _client = null;
        _backend = null;
        _echoHttp = null;
        _echoChannel = null;
        _servers = null;
    }
}

/// <summary>scenario/payload/backend, e.g. triton-grpc-raw/resnet50-tensor/onnx.</summary>
public sealed record RoundTripCase(Scenario Scenario, PayloadKind Payload, string Backend) : ITwinnedCase
{
    /// <summary>A real server configured for the scenario answers; no emulator backend is involved.</summary>
    public const string Server = "server";

    /// <summary>
    /// The one case per payload and input form whose <c>InProcess</c> row runs: the raw gRPC tensor case
    /// (triton-grpc-raw), and for payloads sent as files the TorchServe raw body (it includes the preprocessing).
    /// </summary>
    public bool MeasuresInProcess => Backend == BackendFactory.Onnx
        && Payload.Twin is null
        && Payload.Single is null
        && Scenario == (SendsFile ? ScenarioCatalog.TorchServeRestRaw : ScenarioCatalog.TritonGrpcRaw);

    /// <summary>
    /// <c>scenario/payload/backend</c> of the FP32, uncompressed row this one reads against (a half-precision cell's FP32
    /// twin, a compressed cell's plain encoding); null for the plain rows.
    /// </summary>
    public string? TwinName => ScenarioCatalog.Twin(Scenario, Payload) is var (scenario, payload) ? $"{scenario.Name}/{payload.Name}/{Backend}" : null;

    /// <summary>True when this case sends the payload's file (JPEG, WAV, text) rather than its tensors.</summary>
    public bool SendsFile => PayloadFactory.Get(Payload).RequestFor(Scenario).Inputs[0].DataType == DataType.Bytes;

    public override string ToString() => $"{Scenario.Name}/{Payload.Name}/{Backend}";
}
