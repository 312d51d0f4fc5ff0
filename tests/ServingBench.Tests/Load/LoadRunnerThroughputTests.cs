using ServingBench.Load;

namespace ServingBench.Tests.Load;

/// <summary>Requests per second is answers over the time they took, in-flight answers at the end included.</summary>
public sealed class LoadRunnerThroughputTests
{
    [Fact]
    public async Task Requests_Per_Second_Counts_The_Time_Spent_Waiting_For_In_Flight_Answers()
    {
        // A server with two workers that take 100 ms each serves at most 20 requests a second, however many wait.
        // Forty users keep forty requests in flight, so when the 1 s step ends about 2 s of answers are still owed.
        // They count (their latency is real), and so must the time they take, or the rate would read about 60.
        // Only the upper bound is the claim: a busy machine serves fewer than 20 a second, never more, so the test
        // fails for the bug it names and not for a slow run.
        using var workers = new SemaphoreSlim(2);
        async Task Serve(CancellationToken cancellationToken)
        {
            await workers.WaitAsync(cancellationToken);
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            finally
            {
                workers.Release();
            }
        }

        var timing = new LoadTiming { Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(1), Window = TimeSpan.FromMilliseconds(500), ExtraWindows = 0 };
        var result = await new LoadRunner(Serve, timing).RunAsync(LoadStep.Closed(40), "drain");

        double rate = result.Latency.TotalCount / result.Measured.TotalSeconds;
        Assert.True(result.Latency.TotalCount >= 40, $"answers {result.Latency.TotalCount}");
        Assert.InRange(rate, 0.1, 20.5);
    }
}
