using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace ServingBench.Tests.Emulators;

/// <summary>
/// A bounded soak of the <c>serve</c> process: 80 connections at once each send a 4.2 MB body, then the server
/// goes idle and must give the memory back. Pooled buffers kept per core (ArrayPool.Shared keeps up to 32 arrays
/// of each size per core) once held 3.3–3.7 GB after 200 connections of 6.3 MB; each body here needs an 8 MB array
/// as those did, so 80 of them kept would hold 640 MB, over the 500 MB target that steady RSS must meet.
/// </summary>
public sealed class MemoryAfterLoadTests(ITestOutputHelper output)
{
    private const long TargetRss = 500L * 1024 * 1024;
    private const int Connections = 80;
    private const int BodyBytes = 4_200_000;

    /// <summary>The emulator's own pool and its codecs' (one per scenario it has decoded), each keeping up to its budget.</summary>
    private const int PoolsInServer = 4;

    /// <summary>Kestrel's connection buffers, the JIT's code and the collector's own bookkeeping after a load.</summary>
    private const long Slack = 128L * 1024 * 1024;

    [Fact]
    public async Task Serve_Returns_To_At_Most_500_MB_After_A_Burst_Of_Large_Bodies()
    {
        int offset = ServeVerbTests.FreeOffset(first: 2_000);
        using var server = StartServe(offset);
        try
        {
            var url = new Uri($"http://127.0.0.1:{8000 + offset}/v2/models/bart/infer");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilListeningAsync(server, http, new Uri($"http://127.0.0.1:{8000 + offset}/v2/health/ready"));
            long idle = Rss(server);

            // Not JSON, so the server reads each whole body (into an 8 MB array) and refuses it at once: the load is
            // the bodies, not the parsing. Every connection stops one byte short until all have sent the rest, so all
            // 80 arrays are in use at once, as with slow clients (loopback is otherwise fast enough to serialise them).
            byte[] body = new byte[BodyBytes];
            body.AsSpan().Fill((byte)'x');
            var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int arrived = 0;
            var clock = Stopwatch.StartNew();
            var statuses = await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
            {
                using var content = new HeldBackContent(body, async () =>
                {
                    if (Interlocked.Increment(ref arrived) == Connections)
                    {
                        allArrived.SetResult();
                    }

                    await allArrived.Task;
                });
                content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                using var response = await http.PostAsync(url, content);
                return response.StatusCode;
            }));
            var loaded = clock.Elapsed;
            long peak = Rss(server);
            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.BadRequest, status));

            // Steady state: the server's pool collects when the last large body comes back; give it a few seconds. The bound is the
            // 500 MB target, and on this small load also what the server may keep on purpose (its pools' budgets)
            // plus slack: keeping the load's 80 bodies (336 MB of touched pages) exceeds both.
            long bound = Math.Min(TargetRss, idle + (PoolsInServer * BufferPoolLimits.Default.RetainedBytes) + Slack);
            long steady = peak;
            while (clock.Elapsed < loaded + TimeSpan.FromSeconds(6) && steady > bound)
            {
                await Task.Delay(250);
                steady = Rss(server);
            }

            output.WriteLine($"RSS idle {idle >> 20} MB, after {Connections} × {BodyBytes / 1e6:F1} MB bodies ({loaded.TotalSeconds:F1} s) {peak >> 20} MB, steady {steady >> 20} MB after {(clock.Elapsed - loaded).TotalSeconds:F1} s idle (bound {bound >> 20} MB)");
            Assert.True(steady <= bound, $"serve kept {steady >> 20} MB resident after the load (idle {idle >> 20} MB, peak {peak >> 20} MB, bound {bound >> 20} MB)");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Issue 21's memory target, in a <c>serve</c> process of its own: after a 1 GiB gzip bomb and 1,500 distinct batch
    /// sizes (each a canned answer of another shape, up to 1,500 × 142 ids, about 1.3 MB of JSON) the server holds less
    /// than 300 MB more than at start, and 600 further sizes add less than 50 MB. Before pools collected on their own,
    /// with a timer doing it, the first figure was about 370 MB. Figures: docs/architecture.md ("Buffers").
    /// </summary>
    [Fact]
    public async Task Serve_Holds_Under_300_MB_More_After_A_Gzip_Bomb_And_1500_Batch_Sizes_And_Under_50_MB_More_After_600_More()
    {
        const long FirstTarget = 300L * 1024 * 1024;
        const long FurtherTarget = 50L * 1024 * 1024;
        int offset = ServeVerbTests.FreeOffset(first: 2_500);
        using var server = StartServe(offset);
        try
        {
            var root = new Uri($"http://127.0.0.1:{8000 + offset}/");

            // One connection: HTTP/1.1 serves its requests one after another, so when an answer to the next request
            // arrives the previous request's handler has finished, returned its buffers and run any collection.
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = root, Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilListeningAsync(server, http, new Uri(root, "v2/health/ready"));
            long start = await SettledRssAsync(server, http);

            using (var bomb = new ByteArrayContent(HostileInputTests.GzipOfZeros(1L << 30)))
            {
                bomb.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                bomb.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
                using var refused = await http.PostAsync("v2/models/bart/infer", bomb);
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            await InferBatchesAsync(http, 1, 1_500);
            long afterFirst = await SettledRssAsync(server, http);
            await InferBatchesAsync(http, 1_501, 2_100);
            long afterFurther = await SettledRssAsync(server, http);

            output.WriteLine($"RSS at start {start >> 20} MB; after the bomb and 1,500 batch sizes {afterFirst >> 20} MB (+{(afterFirst - start) >> 20} MB); after 600 more {afterFurther >> 20} MB (+{(afterFurther - afterFirst) >> 20} MB)");
            Assert.True(afterFirst - start < FirstTarget, $"serve holds {(afterFirst - start) >> 20} MB more than at start after the bomb and 1,500 batch sizes (target < {FirstTarget >> 20} MB)");
            Assert.True(afterFurther - afterFirst < FurtherTarget, $"600 further batch sizes added {(afterFurther - afterFirst) >> 20} MB (target < {FurtherTarget >> 20} MB)");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>BART requests of shape [batch, 1], one per batch size from <paramref name="first"/> to <paramref name="last"/>.</summary>
    private static async Task InferBatchesAsync(HttpClient http, int first, int last)
    {
        for (int batch = first; batch <= last; batch++)
        {
            string ids = string.Join(',', Enumerable.Repeat("5", batch));
            string json = $"{{\"inputs\":[{{\"name\":\"input_ids\",\"shape\":[{batch},1],\"datatype\":\"INT64\",\"data\":[{ids}]}}]}}";
            using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("v2/models/bart/infer", content);
            Assert.True(response.IsSuccessStatusCode, $"batch {batch}: {(int)response.StatusCode}");
        }
    }

    /// <summary>RSS once the server has answered one more request on the same connection (so the previous one has finished).</summary>
    private static async Task<long> SettledRssAsync(Process server, HttpClient http)
    {
        using var ready = await http.GetAsync("v2/health/ready");
        Assert.True(ready.IsSuccessStatusCode);
        return Rss(server);
    }

    private static Process StartServe(int offset)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "ServingBench.dll"), "serve", "--framework", "triton", "--port-offset", offset.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var server = Process.Start(start)!;
        _ = server.StandardError.ReadToEndAsync();
        return server;
    }

    /// <summary>A body sent in two parts, with a wait before the last byte.</summary>
    private sealed class HeldBackContent(byte[] body, Func<Task> beforeLastByte) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length - 1));
            await stream.FlushAsync();
            await beforeLastByte();
            await stream.WriteAsync(body.AsMemory(body.Length - 1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private static long Rss(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    private static async Task WaitUntilListeningAsync(Process server, HttpClient http, Uri ready)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            Assert.False(server.HasExited, "serve exited before listening");
            try
            {
                using var response = await http.GetAsync(ready);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("serve did not start listening within 20 s");
    }
}
