using System.Diagnostics;
using ServingBench.Payloads;
using ServingBench.Tests.Emulators;
using ServingBench.Wire.Scenarios;
using Xunit.Abstractions;

namespace ServingBench.Tests.Clients;

/// <summary>
/// 100 concurrent clients × 20 requests per framework and protocol: zero failures, every answer correct, and the
/// managed heap back within a bound afterwards (no buffers kept per request).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ConcurrencyTests(EmulatorFixture fixture, ITestOutputHelper output)
{
    private const int Clients = 100;
    private const int RequestsPerClient = 20;

    // Generous for 2,000 requests of a few KB each; a leak of one body per request would exceed it.
    private const long HeapGrowthBound = 64L * 1024 * 1024;

    [Theory]
    [InlineData("tfserving-rest-json-col")]
    [InlineData("tfserving-grpc-raw")]
    [InlineData("torchserve-rest-raw")]
    [InlineData("torchserve-grpc-raw")]
    [InlineData("triton-rest-binary")]
    [InlineData("triton-grpc-raw")]
    public async Task Hundred_Clients_Get_Correct_Answers_With_No_Failures(string scenarioName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        var client = await fixture.ClientAsync(scenario, payload.Model.Name);
        var request = payload.RequestFor(scenario);
        await client.InferAsync(request); // warm the connection pool and the JIT outside the clock
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < RequestsPerClient; i++)
            {
                var response = await client.InferAsync(request, timeout.Token);
                ClientEmulatorMatrixTests.AssertSameOutputs(payload.Response, response);
            }
        }));
        await Task.WhenAll(workers);
        clock.Stop();
        long heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        output.WriteLine($"{scenarioName}: {Clients * RequestsPerClient} requests in {clock.Elapsed.TotalSeconds:F2} s = {Clients * RequestsPerClient / clock.Elapsed.TotalSeconds:F0} req/s, heap growth {heapGrowth / 1024} KB");
        Assert.True(heapGrowth < HeapGrowthBound, $"managed heap grew {heapGrowth:N0} bytes over {Clients * RequestsPerClient} requests");
    }
}
