using System.Diagnostics;
using ServingBench.Load;

namespace ServingBench.Tests.Load;

/// <summary>Recording is exact, discards the warm-up, and allocates nothing per request.</summary>
public sealed class StepRecorderTests
{
    [Fact]
    public void Records_Latency_From_The_Scheduled_Send_And_Service_From_The_Actual_Send()
    {
        var recorder = new StepRecorder();
        long ms = Stopwatch.Frequency / 1000;
        recorder.RecordSuccess(0, 5 * ms, 6 * ms); // warm-up: dropped
        recorder.StartMeasuring();
        recorder.RecordSuccess(0, 90 * ms, 100 * ms);
        recorder.RecordFailure(FailureStatus.ServiceUnavailable);
        recorder.RecordFailure(FailureStatus.ServiceUnavailable);
        recorder.RecordTimeout();
        var (latency, service) = recorder.TakeWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1));
        Assert.Equal(1, latency.TotalCount);
        Assert.InRange(latency.GetValueAtPercentile(100), 99_900, 100_100);
        Assert.InRange(service.GetValueAtPercentile(100), 9_990, 10_010);
        Assert.Equal(2, recorder.Failures[FailureStatus.ServiceUnavailable]);
        Assert.Equal(1, recorder.Timeouts);
    }

    [Fact]
    public void Recording_A_Success_Allocates_Nothing()
    {
        var recorder = new StepRecorder();
        recorder.StartMeasuring();
        recorder.RecordSuccess(0, 10, 1000); // first call: JIT and lazy state
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            long now = Stopwatch.GetTimestamp();
            recorder.RecordSuccess(now - 2000 - i, now - 1000, now);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100_001, recorder.TakeWindow(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow).Latency.TotalCount);
    }

    [Fact]
    public void Failures_Are_Named_By_Http_Code_Or_Grpc_Status()
    {
        Assert.Equal("503", FailureStatus.Of(new ServingBench.Wire.Clients.ServingException("busy", 503, null, "busy")));
        Assert.Equal("Internal", FailureStatus.Of(new ServingBench.Wire.Clients.ServingException("x", null, global::Grpc.Core.StatusCode.Internal, "x")));
        Assert.Equal("error: HttpRequestException", FailureStatus.Of(new HttpRequestException("refused")));
    }

    [Fact]
    public void Stability_Needs_Three_Windows_Within_Ten_Percent_On_Rate_And_P99()
    {
        WindowStats W(double rps, long p99) => new(100, rps, p99 / 2, p99);
        Assert.True(StabilityRule.IsStable([W(50, 1), W(100, 1000), W(105, 1050), W(109, 1000)]));
        Assert.False(StabilityRule.IsStable([W(100, 1000), W(105, 1050)]));
        Assert.False(StabilityRule.IsStable([W(100, 1000), W(120, 1000), W(100, 1000)]));
        Assert.False(StabilityRule.IsStable([W(100, 1000), W(100, 1200), W(100, 1000)]));
        Assert.False(StabilityRule.IsStable([W(100, 1000), new WindowStats(0, 0, 0, 0), W(100, 1000)]));
    }
}
