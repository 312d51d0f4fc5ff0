using System.Runtime;
using ServingBench.Wire;

namespace ServingBench.Emulators.Hosting;

/// <summary>
/// Gives memory back once a burst of large requests is over. Large buffers beyond what <see cref="LargeBuffers"/>
/// keeps are left to the collector, but only a full collection frees them, and a server gone idle allocates
/// nothing that would start one: after 200 connections of 6.3 MB bodies it kept the garbage (and the RSS) for
/// good. So when at least <see cref="Threshold"/> bytes were dropped and none for a whole second, one compacting
/// collection returns the memory to the system. A benchmark's steady state drops nothing, so this never runs there.
/// </summary>
internal sealed class IdleTrim : IDisposable
{
    public const long Threshold = 64L * 1024 * 1024;

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly Timer _timer;
    private long _trimmedAt = LargeBuffers.Dropped;
    private long _seen = LargeBuffers.Dropped;

    public IdleTrim()
    {
        _timer = new Timer(_ => Tick(), null, Period, Period);
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        long dropped = LargeBuffers.Dropped;
        bool quiet = dropped == Interlocked.Exchange(ref _seen, dropped);
        if (quiet && dropped - Interlocked.Read(ref _trimmedAt) >= Threshold)
        {
            Interlocked.Exchange(ref _trimmedAt, dropped);
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}
