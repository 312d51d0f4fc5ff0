using System.Collections.Concurrent;
using Grpc.Core;
using ServingBench.Composition;
using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Batching;
using ServingBench.Emulators.Hosting;
using ServingBench.Models.Architectures;
using ServingBench.Payloads.Catalogue;
using ServingBench.ServerStatistics;
using ServingBench.Tests.Models;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Batching;

/// <summary>
/// Each emulator with dynamic batching on: concurrent requests are merged into one engine call per batch, every request
/// gets the answer it would get alone, the statistics count the batches formed, and a request beyond the limit gets
/// the framework's own error. The delays outlast any test, so only a full batch runs and what merges never depends on
/// timing; every test sends requests that fill their batches in any arrival order. Were one to leave a partial batch,
/// the delay would release it after 30 s and the test would fail on the batches formed, rather than hang.
/// </summary>
public sealed class BatchingEmulatorTests
{
    private const int Seed = 12345; // same seed, repeatable inputs
    private static readonly TimeSpan LongerThanAnyTest = TimeSpan.FromSeconds(30);
    private static readonly ModelSignature Resnet = PayloadFactory.Get(PayloadKind.Resnet50Tensor).Model;

    public static TheoryData<string> BatchingScenarios() => ["triton-grpc-raw", "tfserving-grpc-raw", "torchserve-rest-raw"];

    [Theory]
    [MemberData(nameof(BatchingScenarios))]
    public async Task Concurrent_Single_Requests_Are_Merged_And_Each_Gets_Its_Unbatched_Answer(string scenarioName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var backend = new RowEchoBackend();
        var policy = new BatchingPolicy(4, LongerThanAnyTest, []);
        await using var servers = await EmulatedServers.StartAsync(
            new EmulatorOptions { Backend = backend, Models = [Resnet], TritonMaxBatchSize = 4, TritonDynamicBatching = policy, TfServingBatching = policy, TorchServeBatching = policy },
            [scenario.Framework]);
        using var client = await InferenceClients.ConnectAsync(scenario, Resnet, servers.Address(scenario.Framework, scenario.Protocol));

        var random = new Random(Seed);
        var requests = Enumerable.Range(0, 8).Select(_ => Request(random, rows: 1)).ToList();
        var answers = await Task.WhenAll(requests.Select(r => client.InferAsync(r)));

        Assert.Equal([4, 4], backend.CallRows);
        for (int i = 0; i < requests.Count; i++)
        {
            var alone = await new RowEchoBackend().InferAsync(Resnet, requests[i], CancellationToken.None);
            Assert.True(alone.Outputs[0].ContentEquals(answers[i].Output("logits")), $"request {i} got another request's rows");
        }
    }

    [Fact]
    public async Task Triton_Statistics_Count_One_Execution_Per_Batch_Formed()
    {
        await using var servers = await StartBatchingTritonAsync(new RowEchoBackend(), Resnet);
        using var client = await ConnectTritonAsync(servers, Resnet);
        using var reader = StatisticsReader(servers, Resnet);
        var before = await reader.ReadAsync();

        // 1 + 3 rows fill one batch; four single rows the next.
        var random = new Random(Seed);
        await Task.WhenAll(new[] { 1, 3 }.Select(rows => client.InferAsync(Request(random, rows))));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.InferAsync(Request(random, 1))));
        var split = ServerSplit.Between(before, await reader.ReadAsync());

        Assert.NotNull(split);
        Assert.Equal(6, split.Requests);
        Assert.Equal(2, split.Executions);
        Assert.Equal(4.0, split.MeanBatchRows);
        Assert.Equal(new Dictionary<int, long> { [4] = 2 }, split.ExecutionsByBatchSize);
    }

    [Fact]
    public async Task TorchServe_Describes_The_Batch_Settings_It_Runs_With()
    {
        await using var servers = await EmulatedServers.StartAsync(
            new EmulatorOptions { Models = [Resnet], TorchServeBatching = new BatchingPolicy(8, TimeSpan.FromMilliseconds(50), []) }, [Framework.TorchServe]);
        var management = servers.Endpoints.First(e => e.Framework == Framework.TorchServe && e.Role == EndpointRole.Management).Address;
        using var http = new HttpClient();
        using var description = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(management, $"models/{Resnet.Name}")));

        var model = description.RootElement[0];
        Assert.Equal(8, model.GetProperty("batchSize").GetInt32());
        Assert.Equal(50, model.GetProperty("maxBatchDelay").GetInt32());
    }

    [Theory]
    [InlineData("triton-grpc-raw", "inference request batch-size must be <= 4 for 'resnet50'")]
    [InlineData("tfserving-grpc-raw", "Task size 5 is larger than maximum input batch size 4")]
    public async Task A_Batch_Above_The_Maximum_Gets_The_Servers_Own_Error(string scenarioName, string message)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var options = new EmulatorOptions { Backend = new RowEchoBackend(), Models = [Resnet], TritonMaxBatchSize = 4, TfServingBatching = new BatchingPolicy(4, TimeSpan.Zero, []) };
        await using var servers = await EmulatedServers.StartAsync(options, [scenario.Framework]);
        using var client = await InferenceClients.ConnectAsync(scenario, Resnet, servers.Address(scenario.Framework, scenario.Protocol));

        var refused = await Assert.ThrowsAsync<ServingException>(() => client.InferAsync(Request(new Random(Seed), rows: 5)));
        Assert.Equal(StatusCode.InvalidArgument, refused.GrpcStatus);
        Assert.Equal(message, refused.ServerMessage);
    }

    [Fact]
    public async Task Onnx_Batches_Answer_What_The_Engine_Answers_Each_Request_Alone()
    {
        using var onnx = new OnnxBackend(TinyModels.Store, ModelSize.Tiny, workers: 1, intraOpThreads: 1);
        var model = onnx.Signature(ModelCatalog.Resnet50.Name);
        await using var servers = await StartBatchingTritonAsync(onnx, model);
        using var client = await ConnectTritonAsync(servers, model);
        using var reader = StatisticsReader(servers, model);
        var before = await reader.ReadAsync();

        // Each wave fills exactly one batch of 4 rows in whatever order its requests arrive. Requests of mixed sizes sent
        // at once could leave a remainder (1, 1, 3, 2, 1 arriving in that order forms 1+1, 3, 2+1) that would wait out
        // the delay.
        var random = new Random(Seed);
        int[][] waves = [[1, 3], [2, 2], [1, 1, 2]];
        var requests = new List<InferenceRequest>();
        var answers = new List<InferenceResponse>();
        foreach (int[] wave in waves)
        {
            var sent = wave.Select(rows => Request(random, rows, model)).ToList();
            requests.AddRange(sent);
            answers.AddRange(await Task.WhenAll(sent.Select(r => client.InferAsync(r))));
        }

        var split = ServerSplit.Between(before, await reader.ReadAsync());
        Assert.NotNull(split);
        Assert.Equal(waves.Length, split.Executions);
        for (int i = 0; i < requests.Count; i++)
        {
            var alone = (await onnx.InferAsync(model, requests[i], CancellationToken.None)).Outputs[0].AsSpan<float>().ToArray();
            float[] batched = answers[i].Output(model.Outputs[0].Name).AsSpan<float>().ToArray();
            Assert.Equal(alone.Length, batched.Length);
            for (int j = 0; j < alone.Length; j++)
            {
                // Batched matrix products may round differently in the last bits; another request's rows would differ wholesale.
                Assert.True(Math.Abs(alone[j] - batched[j]) <= 1e-4f * Math.Max(1, Math.Abs(alone[j])), $"request {i} value {j}: {batched[j]} vs {alone[j]} alone");
            }
        }
    }

    /// <summary>Triton alone, batching up to 4 rows and waiting for a full batch however long it takes.</summary>
    private static Task<RunningEmulators> StartBatchingTritonAsync(IInferenceBackend backend, ModelSignature model) =>
        EmulatedServers.StartAsync(
            new EmulatorOptions { Backend = backend, Models = [model], TritonMaxBatchSize = 4, TritonDynamicBatching = new BatchingPolicy(4, LongerThanAnyTest, []) },
            [Framework.Triton]);

    private static Task<IInferenceClient> ConnectTritonAsync(RunningEmulators servers, ModelSignature model) =>
        InferenceClients.ConnectAsync(ScenarioCatalog.TritonGrpcRaw, model, servers.Address(Framework.Triton, Protocol.Grpc));

    /// <summary>Triton's own statistics for <paramref name="model"/>, read over REST.</summary>
    private static TritonStatisticsReader StatisticsReader(RunningEmulators servers, ModelSignature model) =>
        new(servers.Address(Framework.Triton, Protocol.Rest), model.Name, grpc: false);

    /// <summary>A request of <paramref name="rows"/> seeded rows in the model's input shape.</summary>
    private static InferenceRequest Request(Random random, int rows, ModelSignature? model = null)
    {
        model ??= Resnet;
        var input = model.Inputs[0];
        long[] shape = [rows, .. input.Shape[1..]];
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        return new InferenceRequest { ModelName = model.Name, Inputs = [Tensor.FromFloats(input.Name, shape, values)] };
    }

    /// <summary>
    /// Answers each row with that row's first 1,000 input values as its logits, so a row answered with another request's
    /// rows is caught; records the rows of every call (one call per batch).
    /// </summary>
    private sealed class RowEchoBackend : IInferenceBackend
    {
        private readonly ConcurrentQueue<long> _calls = new();

        public string Name => "row-echo";

        public long[] CallRows => [.. _calls];

        public ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
        {
            var input = request.Inputs[0];
            long rows = input.Shape[0];
            _calls.Enqueue(rows);
            var pixels = input.AsSpan<float>();
            int rowLength = (int)(input.ElementCount / rows);
            var logits = new float[rows * 1000];
            for (int r = 0; r < rows; r++)
            {
                pixels.Slice(r * rowLength, 1000).CopyTo(logits.AsSpan(r * 1000));
            }

            return ValueTask.FromResult(new InferenceResponse
            {
                ModelName = model.Name,
                Outputs = [Tensor.FromFloats("logits", [rows, 1000], logits)],
            });
        }
    }
}
