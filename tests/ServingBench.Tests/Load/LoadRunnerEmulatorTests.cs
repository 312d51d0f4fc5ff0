using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Load;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Load;

/// <summary>The runner against real emulators on loopback: coordinated omission seen (open loop) or hidden (closed loop), and 503s counted.</summary>
public sealed class LoadRunnerEmulatorTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Open_Loop_Charges_A_Stall_To_Every_Request_It_Held_And_Closed_Loop_Hides_It()
    {
        var backend = new StallingBackend(new CannedBackend());
        await using var servers = await EmulatedServers.StartAsync(new EmulatorOptions { Backend = backend }, [Framework.Triton]);
        var scenario = ScenarioCatalog.TritonGrpcRaw;
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        using var client = await InferenceClients.ConnectAsync(scenario, payload.Model, servers.Address(scenario.Framework, scenario.Protocol));
        var request = payload.RequestFor(scenario);
        var timing = new LoadTiming
        {
            Warmup = TimeSpan.FromMilliseconds(300),
            Duration = TimeSpan.FromSeconds(3),
            Window = TimeSpan.FromSeconds(1),
            ExtraWindows = 0,
        };
        var runner = new LoadRunner(ct => client.InferAsync(request, ct), timing);

        backend.StallAt(DateTime.UtcNow + timing.Warmup + TimeSpan.FromMilliseconds(700), Stall);
        var open = (await runner.RunAsync(LoadStep.Open(100, ArrivalProcess.Poisson), "open")).Latency;
        backend.StallAt(DateTime.UtcNow + timing.Warmup + TimeSpan.FromMilliseconds(700), Stall);
        var closed = (await runner.RunAsync(LoadStep.Closed(2), "closed")).Latency;

        long stallUs = (long)Stall.TotalMicroseconds;

        // Open loop: a third of the arrivals fell into the stall and waited up to all of it, so the tail is the stall.
        Assert.True(open.GetValueAtPercentile(99) >= stallUs * 9 / 10, $"open-loop p99 {open.GetValueAtPercentile(99)} µs, stall {stallUs} µs");
        // The first arrival after the stall began waited nearly all of it (a Poisson gap over 50 ms at 100/s: p ≈ 0.7 %).
        Assert.True(HdrHistogram.HistogramExtensions.GetMaxValue(open) >= stallUs * 95 / 100, $"open-loop max {HdrHistogram.HistogramExtensions.GetMaxValue(open)} µs, stall {stallUs} µs");

        // Closed loop: the two users each waited once, then sent nothing during the stall: it shows in max, not in p99.
        Assert.True(HdrHistogram.HistogramExtensions.GetMaxValue(closed) >= stallUs * 9 / 10);
        Assert.True(closed.GetValueAtPercentile(99) < stallUs / 2, $"closed-loop p99 {closed.GetValueAtPercentile(99)} µs hides the stall");
    }

    [Theory]
    [InlineData("full")]
    [InlineData("lean")]
    public async Task TorchServe_Answers_503_Once_Its_Queue_Is_Full_And_The_Runner_Counts_Them(string client)
    {
        var options = new EmulatorOptions
        {
            Backend = new StallingBackend(new CannedBackend(), perRequest: TimeSpan.FromMilliseconds(50)),
            TorchServeWorkers = 1,
            TorchServeQueueSize = 2,
        };
        await using var servers = await EmulatedServers.StartAsync(options, [Framework.TorchServe]);
        var scenario = ScenarioCatalog.TorchServeRestRaw;
        var payload = PayloadFactory.Get(PayloadKind.BartText);
        using var full = (RestInferenceClient)await InferenceClients.ConnectAsync(scenario, payload.Model, servers.Address(scenario.Framework, scenario.Protocol));
        var request = payload.RequestFor(scenario);
        using var lean = new PreEncodedHttpSender(full.InferUri, full.EncodeHttpMessage(request));
        SendRequest send = client == "lean" ? lean.SendAsync : ct => full.InferAsync(request, ct);
        var timing = new LoadTiming { Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(1), Window = TimeSpan.FromMilliseconds(500), ExtraWindows = 0 };

        // Eight users against one worker and two queue places: three are admitted, the others are refused at once.
        // How many of each depends on how busy the machine is (a starved run answered 4 and was refused 4 times), so
        // the test asks that both happen and that the refusals are counted as 503s.
        var result = await new LoadRunner(send, timing).RunAsync(LoadStep.Closed(8), "503");

        Assert.True(result.Latency.TotalCount > 0);
        Assert.True(result.Failures.TryGetValue(FailureStatus.ServiceUnavailable, out long refused) && refused > 0,
            $"503s: {string.Join(", ", result.Failures)}; answered {result.Latency.TotalCount}");
    }
}
