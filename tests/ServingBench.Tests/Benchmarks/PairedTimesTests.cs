using System.Diagnostics;
using ServingBench.Benchmarks;
using ServingBench.Emulators.Backends;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;

namespace ServingBench.Tests.Benchmarks;

/// <summary>The paired check's parts: the server's engine clock, the per-call recorder, and the line the host reads back.</summary>
public sealed class PairedTimesTests
{
    [Fact]
    public async Task The_Timed_Backend_Adds_Up_Time_Inside_Its_Backend_And_Starts_Again_When_Taken()
    {
        var timed = new TimedBackend(new SlowBackend(TimeSpan.FromMilliseconds(30)));
        var model = ModelCatalog.Resnet50.Signature;

        await timed.InferAsync(model, new InferenceRequest { ModelName = model.Name, Inputs = [] }, CancellationToken.None);
        await timed.InferAsync(model, new InferenceRequest { ModelName = model.Name, Inputs = [] }, CancellationToken.None);
        double taken = Stopwatch.GetElapsedTime(0, timed.TakeElapsedTicks()).TotalMilliseconds;

        Assert.InRange(taken, 55, 2_000);
        Assert.Equal(0, timed.TakeElapsedTicks());
        Assert.Equal("slow", timed.Name);
    }

    [Fact]
    public void The_Recorder_Subtracts_Each_Calls_Engine_Time_And_Drops_Outlying_Round_Trips_As_BenchmarkDotNet_Does()
    {
        var recorder = new PairedTimesRecorder();
        // Ten calls: 200 ms of engine plus 2 ms of protocol, alternately ±0.1 ms; then one stalled call (30 ms more).
        for (int i = 0; i < 10; i++)
        {
            long engine = Ticks(200);
            recorder.Add(engine + Ticks(i % 2 == 0 ? 1.9 : 2.1), engine);
        }

        recorder.Add(Ticks(232), Ticks(200));
        var figures = recorder.Summarise()!;

        Assert.Equal(10, figures.Calls);
        Assert.Equal(2e6, figures.ProtocolMeanNs, 2e3);
        Assert.Equal(200e6, figures.EngineMeanNs, 2e3);
        Assert.InRange(figures.ProtocolErrorNs, 1e3, 0.3e6);

        recorder.Clear();
        Assert.Null(recorder.Summarise());
    }

    [Fact]
    public void The_Recorder_Keeps_The_Last_Calls_When_More_Arrive_Than_It_Holds()
    {
        var recorder = new PairedTimesRecorder();
        for (int i = 0; i < PairedTimesRecorder.Capacity; i++)
        {
            recorder.Add(Ticks(50), 0);
        }

        for (int i = 0; i < PairedTimesRecorder.Capacity; i++)
        {
            recorder.Add(Ticks(1), 0);
        }

        var figures = recorder.Summarise()!;
        Assert.Equal(PairedTimesRecorder.Capacity, figures.Calls);
        Assert.Equal(1e6, figures.ProtocolMeanNs, 1e3);
    }

    [Fact]
    public void The_Host_Reads_Back_The_Line_The_Benchmark_Process_Printed()
    {
        var printed = new PairedTimes(16, 2_383_730.9, 627_657.7, 217_183_988.4, 65_511.4);
        string line = printed.ToLine("triton-grpc-raw/resnet50-tensor/onnx");

        Assert.Equal("// ServingBench paired triton-grpc-raw/resnet50-tensor/onnx: calls=16 protocol=2383730.9±627657.7 engine=217183988.4±65511.4", line);
        Assert.Equal(printed, PairedTimes.Find("triton-grpc-raw/resnet50-tensor/onnx", ["WorkloadActual 1: ...", line, "// AfterAll"]));
        // A case no benchmark in this process reports: the in-process fallback is shared by every test here.
        Assert.Null(PairedTimes.Find("paired-test/never-reported/onnx", [line]));
    }

    [Fact]
    public void A_Host_In_The_Same_Process_Finds_What_Was_Reported_There()
    {
        var reported = new PairedTimes(3, 1, 2, 3, 4);
        using var output = new StringWriter();
        reported.Report("paired-test/in-process/onnx", output);

        Assert.StartsWith("// ServingBench paired paired-test/in-process/onnx: calls=3", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(reported, PairedTimes.Find("paired-test/in-process/onnx", []));
    }

    private static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    private sealed class SlowBackend(TimeSpan delay) : IInferenceBackend
    {
        public string Name => "slow";

        public async ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return new InferenceResponse { ModelName = model.Name, Outputs = [] };
        }
    }
}
