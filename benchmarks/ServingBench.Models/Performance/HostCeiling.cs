using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ServingBench.Models.Performance;

/// <summary>
/// What this host's CPU can do at most, measured here rather than assumed: fp32 fused multiply-add throughput on
/// every core, and memory read bandwidth from a buffer far larger than the caches. A model's floor on this host is
/// its <see cref="ModelWork"/> divided by these.
/// </summary>
/// <remarks>
/// Measured because published figures travel badly: the 465 GFLOP/s in docs/models.md was an OpenBLAS sgemm on a Zen 5 host
/// with full-width AVX-512, while a Zen 4 host of the same two-core size executes each 512-bit FMA as two 256-bit
/// halves and peaks near half that. A floor the hardware cannot reach would make every ratio against it meaningless.
/// </remarks>
/// <param name="Gflops">Peak fp32 FMA throughput over all cores, 10⁹ FLOP/s (one FMA = 2 FLOP).</param>
/// <param name="GigabytesPerSecond">Sustained read bandwidth over all cores, 10⁹ B/s.</param>
/// <param name="Threads">Cores used, one thread each.</param>
/// <param name="VectorBits">Width of the vectors the FMA loop used (512 with AVX-512, 256 with AVX2, 128 with Arm NEON).</param>
public sealed record HostCeiling(double Gflops, double GigabytesPerSecond, int Threads, int VectorBits) : ICeiling
{
    /// <summary>
    /// Independent accumulators: more than FMA latency × FMA ports on current x64 cores (8), so the loop is
    /// throughput-bound, and with the two constants no more than AVX2's 16 vector registers, so none spills.
    /// </summary>
    private const int Accumulators = 14;

    /// <summary>
    /// Floats read per bandwidth pass per thread: 128 MiB each, several times any L3 these hosts have, so cache hits
    /// cannot inflate the figure (64 MiB read up to 45 GB/s on a host whose DRAM gives 29–36).
    /// </summary>
    private const int BandwidthFloatsPerThread = 32 << 20;

    private static readonly Lazy<HostCeiling> Measured = new(() => Measure());

    /// <summary>Measured once per process (about half a second), on first use.</summary>
    public static HostCeiling Current => Measured.Value;

    /// <summary>Measures both ceilings on <paramref name="threads"/> threads (default: every core); best of several runs each.</summary>
    public static HostCeiling Measure(int threads = 0)
    {
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        double gflops = Best(5, () => RunOnThreads(threads, _ => FmaLoop(16_000_000)) is var (seconds, flops) ? flops / seconds / 1e9 : 0);
        var buffers = Enumerable.Range(0, threads).Select(_ => CreateBuffer()).ToArray();
        double bandwidth = Best(5, () => RunOnThreads(threads, i => SumBuffer(buffers[i])) is var (seconds, bytes) ? bytes / seconds / 1e9 : 0);
        return new HostCeiling(gflops, bandwidth, threads, VectorWidth);
    }

    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{Gflops:0} GFLOP/s fp32 FMA ({VectorBits}-bit, {Threads} threads), {GigabytesPerSecond:0.0} GB/s read");

    /// <summary>512 with AVX-512; otherwise Vector&lt;T&gt;'s width, which is always hardware (256 with AVX2, 128 with Arm NEON).</summary>
    private static int VectorWidth =>
        Vector512.IsHardwareAccelerated ? 512 : Vector<float>.Count * 32;

    private static double Best(int runs, Func<double> measure)
    {
        double best = 0;
        for (int run = 0; run < runs; run++)
        {
            best = Math.Max(best, measure());
        }

        return best;
    }

    /// <summary>
    /// Starts the work on every thread at once and times from the first start to the last finish, read by the
    /// workers themselves: with one thread per core, a coordinating thread would wait for a core and read its clock late.
    /// </summary>
    private static (double Seconds, double Units) RunOnThreads(int threads, Func<int, double> work)
    {
        var units = new double[threads];
        var started = new long[threads];
        var finished = new long[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            started[i] = Stopwatch.GetTimestamp();
            units[i] = work(i);
            finished[i] = Stopwatch.GetTimestamp();
        }) { IsBackground = true }).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        return (Stopwatch.GetElapsedTime(started.Min(), finished.Max()).TotalSeconds, units.Sum());
    }

    /// <summary>FLOPs done: <paramref name="iterations"/> × accumulators × lanes × 2, at the widest vector the JIT accelerates.</summary>
    private static double FmaLoop(int iterations) => VectorWidth switch
    {
        512 => FmaLoop512(iterations),
        _ => FmaLoopNative(iterations),
    };

    // Two copies of one loop: the generic vector interface that would fold them is not public, and a loop over an
    // array of accumulators would measure store forwarding instead of the FMA units.
    // a·m + x with m just below one and x tiny keeps every value normal and finite however long it runs.
    // AggressiveOptimization: the loops run a handful of times, so tiering would leave them in on-stack-replacement
    // code, which read half the peak (116 against 229 GFLOP/s for the 256-bit loop on this host).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double FmaLoop512(int iterations)
    {
        var (m, x) = (Vector512.Create(0.999_999f), Vector512.Create(1e-7f));
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector512<float> a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
        for (int i = 0; i < iterations; i++)
        {
            (a0, a1, a2, a3) = (Vector512.FusedMultiplyAdd(a0, m, x), Vector512.FusedMultiplyAdd(a1, m, x), Vector512.FusedMultiplyAdd(a2, m, x), Vector512.FusedMultiplyAdd(a3, m, x));
            (a4, a5, a6, a7) = (Vector512.FusedMultiplyAdd(a4, m, x), Vector512.FusedMultiplyAdd(a5, m, x), Vector512.FusedMultiplyAdd(a6, m, x), Vector512.FusedMultiplyAdd(a7, m, x));
            (a8, a9, a10, a11) = (Vector512.FusedMultiplyAdd(a8, m, x), Vector512.FusedMultiplyAdd(a9, m, x), Vector512.FusedMultiplyAdd(a10, m, x), Vector512.FusedMultiplyAdd(a11, m, x));
            (a12, a13) = (Vector512.FusedMultiplyAdd(a12, m, x), Vector512.FusedMultiplyAdd(a13, m, x));
        }

        // Consume every accumulator so the JIT cannot drop a chain.
        GC.KeepAlive(Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13));
        return (double)iterations * Accumulators * Vector512<float>.Count * 2;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double FmaLoopNative(int iterations)
    {
        var (m, x) = (new Vector<float>(0.999_999f), new Vector<float>(1e-7f));
        Vector<float> a0 = Vector<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector<float> a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0;
        for (int i = 0; i < iterations; i++)
        {
            (a0, a1, a2, a3) = (Vector.FusedMultiplyAdd(a0, m, x), Vector.FusedMultiplyAdd(a1, m, x), Vector.FusedMultiplyAdd(a2, m, x), Vector.FusedMultiplyAdd(a3, m, x));
            (a4, a5, a6, a7) = (Vector.FusedMultiplyAdd(a4, m, x), Vector.FusedMultiplyAdd(a5, m, x), Vector.FusedMultiplyAdd(a6, m, x), Vector.FusedMultiplyAdd(a7, m, x));
            (a8, a9, a10, a11) = (Vector.FusedMultiplyAdd(a8, m, x), Vector.FusedMultiplyAdd(a9, m, x), Vector.FusedMultiplyAdd(a10, m, x), Vector.FusedMultiplyAdd(a11, m, x));
            (a12, a13) = (Vector.FusedMultiplyAdd(a12, m, x), Vector.FusedMultiplyAdd(a13, m, x));
        }

        GC.KeepAlive(Vector.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13));
        return (double)iterations * Accumulators * Vector<float>.Count * 2;
    }

    private static float[] CreateBuffer()
    {
        var buffer = GC.AllocateUninitializedArray<float>(BandwidthFloatsPerThread);
        buffer.AsSpan().Fill(1f); // touch every page before timing
        return buffer;
    }

    /// <summary>Bytes read: one vectorised pass summing the buffer, four independent sums to hide add latency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumBuffer(float[] buffer)
    {
        ref float start = ref MemoryMarshal.GetArrayDataReference(buffer);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int width = Vector<float>.Count;
        int i = 0;
        for (; i <= buffer.Length - (4 * width); i += 4 * width)
        {
            s0 += Vector.LoadUnsafe(ref start, (nuint)i);
            s1 += Vector.LoadUnsafe(ref start, (nuint)(i + width));
            s2 += Vector.LoadUnsafe(ref start, (nuint)(i + (2 * width)));
            s3 += Vector.LoadUnsafe(ref start, (nuint)(i + (3 * width)));
        }

        GC.KeepAlive(Vector.Sum(s0 + s1 + s2 + s3));
        return (double)i * sizeof(float);
    }
}
