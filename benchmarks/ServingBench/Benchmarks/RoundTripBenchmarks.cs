using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using ServingBench.Composition;
using ServingBench.Config;
using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Echo;
using ServingBench.Emulators.Hosting;
using ServingBench.Payloads;
using ServingBench.Wire;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Codecs;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Benchmarks;

/// <summary>
/// One inference round trip per invocation: encode, send, server decode + backend + encode, receive, decode.
/// <c>Echo</c> is the floor (baseline): the same request bytes over the same transport (HTTP/1.1 POST for REST
/// scenarios, a raw-bytes gRPC method for gRPC ones), answered by Kestrel with as many bytes as the scenario's
/// response has, with no codec and no backend: the round trip minus everything but moving those bytes.
/// </summary>
/// <remarks>
/// Targets the embedded emulators on loopback port 0; <c>SERVINGBENCH_&lt;FRAMEWORK&gt;_&lt;PROTOCOL&gt;</c> sends a
/// scenario to a real server instead (the echo floor stays local). Payloads default to the ResNet50 tensor and
/// JPEG (13 cells); <c>SERVINGBENCH_ROUNDTRIP_PAYLOADS=all</c> or a comma list (wav2vec2-audio,bart-text) widens it.
/// </remarks>
[BenchmarkCategory(Categories.RoundTrip)]
[SuiteJob]
[PromptTiering]
public class RoundTripBenchmarks
{
    public const string PayloadsVariable = "SERVINGBENCH_ROUNDTRIP_PAYLOADS";

    private RunningEmulators? _servers;
    private IInferenceClient? _client;
    private InferenceRequest _request = null!;
    private Tensor _expected = null!;
    private bool _exactShape;
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
    public RoundTripCase Case { get; set; } = new(ScenarioCatalog.TritonGrpcRaw, PayloadKind.Resnet50Tensor);

    /// <summary>canned: zero-compute backend, so the row is protocol cost alone (an ONNX Runtime backend plugs in here later).</summary>
    [Params("canned")]
    public string Backend { get; set; } = "canned";

    public static IEnumerable<RoundTripCase> Cases()
    {
        var payloads = SelectedPayloads();
        return ScenarioCatalog.Cells().Where(c => payloads.Contains(c.Payload)).Select(c => new RoundTripCase(c.Scenario, c.Payload));
    }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

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

    [Benchmark]
    public async Task<InferenceResponse> Infer()
    {
        var response = await _client!.InferAsync(_request).ConfigureAwait(false);
        Validate(response);
        return response;
    }

    public async Task SetupAsync()
    {
        var payload = PayloadFactory.Get(Case.Payload);
        var scenario = Case.Scenario;
        _request = payload.RequestFor(scenario);
        _expected = payload.Response.Outputs[0];
        var target = ServingTargets.ConfiguredAddress(scenario.Framework, scenario.Protocol);
        _exactShape = target is null;
        var options = new EmulatorOptions { Backend = BackendFactory.Create(Backend, workers: 1) };
        _servers = await EmulatedServers.StartAsync(options, target is null ? [scenario.Framework] : [], withEcho: true).ConfigureAwait(false);
        _client = await InferenceClients.ConnectAsync(scenario, payload.Model, target ?? _servers.Address(scenario.Framework, scenario.Protocol)).ConfigureAwait(false);

        // The echo carries exactly what the client sends for this cell, and answers with as many bytes as the server.
        var codec = WireCodecs.Create(scenario, _client.Model);
        using (var body = new PooledBufferWriter())
        {
            _wireContentType = codec.EncodeRequest(_request, body).ContentType;
            _wireRequest = body.ToArray();
            body.Clear();
            codec.EncodeResponse(payload.Response, body);
            _wireResponseLength = body.WrittenCount;
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
        await WarmUpAsync(Echo).ConfigureAwait(false);
        await WarmUpAsync(Infer).ConfigureAwait(false);
    }

    private static async Task WarmUpAsync<T>(Func<Task<T>> call)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < WarmUpCalls && clock.Elapsed < WarmUpTime; i++)
        {
            await call().ConfigureAwait(false);
        }
    }

    private const int WarmUpCalls = 4000;
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1.5);

    public async Task CleanupAsync()
    {
        _client?.Dispose();
        _echoHttp?.Dispose();
        _echoChannel?.Dispose();
        if (_servers is not null)
        {
            await _servers.DisposeAsync().ConfigureAwait(false);
        }

        _client = null;
        _echoHttp = null;
        _echoChannel = null;
        _servers = null;
    }

    private static HashSet<PayloadKind> SelectedPayloads()
    {
        string? value = Environment.GetEnvironmentVariable(PayloadsVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return [PayloadKind.Resnet50Tensor, PayloadKind.Resnet50Jpeg];
        }

        return value.Trim() == "all"
            ? [.. ScenarioCatalog.Payloads]
            : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ScenarioCatalog.ParsePayload)];
    }

    /// <summary>A wrong answer fails the run: the emulator's must match the canned output exactly; a real server's in name, type and batch.</summary>
    private void Validate(InferenceResponse response)
    {
        var output = response.Outputs.FirstOrDefault(o => o.Name == _client!.Model.Outputs[0].Name)
            ?? throw new InvalidOperationException($"{Case}: response has no output '{_client!.Model.Outputs[0].Name}'");
        bool ok = output.DataType == _expected.DataType
            && output.Shape.Length == _expected.Shape.Length
            && output.Shape[0] == _expected.Shape[0]
            && (!_exactShape || output.Shape.SequenceEqual(_expected.Shape));
        if (!ok)
        {
            throw new InvalidOperationException(
                $"{Case}: got {output}, expected {_expected.DataType.ToKServeName()} [{string.Join(",", _expected.Shape.ToArray())}]");
        }
    }
}

/// <summary>scenario/payload, e.g. triton-grpc-raw/resnet50-tensor.</summary>
public sealed record RoundTripCase(Scenario Scenario, PayloadKind Payload)
{
    public override string ToString() => $"{Scenario.Name}/{Payload.Name}";
}
