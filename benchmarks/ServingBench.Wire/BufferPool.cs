using System.Numerics;
using System.Runtime;

namespace ServingBench.Wire;

/// <summary>How much a <see cref="BufferPool"/> keeps, and how much dropped garbage makes it ask for a collection.</summary>
/// <param name="RetainedBytes">Most bytes of returned large arrays kept for reuse.</param>
/// <param name="LargestKept">Larger arrays are never kept: one-off bodies (a 1 GiB bomb's inflation) go to the collector.</param>
/// <param name="CollectAfterDroppedBytes">Dropped bytes after which the pool collects once nothing large is rented.</param>
public sealed record BufferPoolLimits(long RetainedBytes, int LargestKept, long CollectAfterDroppedBytes)
{
    /// <summary>
    /// A benchmark has a few large buffers in use at once (request, response, both encodings of a tensor of a few
    /// MB), which fit well inside 32 MB, so its steady state allocates nothing. Measured in docs/architecture.md
    /// ("Buffers"): with these limits a server returns near its starting size after hostile input.
    /// </summary>
    public static BufferPoolLimits Default { get; } = new(32L * 1024 * 1024, 8 * 1024 * 1024, 256L * 1024 * 1024);
}

/// <summary>
/// Where a <see cref="PooledBufferWriter"/> gets its arrays. Each server and each client owns one, so a client
/// and a server in one process (a round-trip benchmark) do not trade arrays or evict each other's, and what one
/// keeps is bounded by its own <see cref="BufferPoolLimits"/>. Arrays up to <see cref="SmallLimit"/> come from
/// <see cref="ArrayPool{T}.Shared"/> (fast, per core, and small in total); larger ones from this pool's stacks.
/// </summary>
/// <remarks>
/// <see cref="ArrayPool{T}.Shared"/> for large arrays kept up to 32 per size per core and trimmed them only under
/// memory pressure: 6.3 MB bodies from 200 connections left a server at 3.3–3.7 GB RSS. Keeping a byte budget fixes
/// what is kept; what is dropped is garbage that only a full collection frees, and a server gone idle allocates
/// nothing that would start one. So the pool itself collects, on an event rather than a timer: when the last large
/// array rented from it comes back and at least <see cref="BufferPoolLimits.CollectAfterDroppedBytes"/> were
/// dropped since its last collection. That is the end of a burst of oversized bodies; a benchmark's steady state
/// drops nothing and never gets here. The collection runs on the thread pool, not on the thread that returned the
/// array.
/// </remarks>
public sealed class BufferPool
{
    /// <summary>Arrays up to this size come from <see cref="ArrayPool{T}.Shared"/>.</summary>
    public const int SmallLimit = 64 * 1024;

    // One stack per power of two from 2^17 (just above SmallLimit) to the largest kept size.
    private const int FirstShift = 17;

    private readonly BufferPoolLimits _limits;
    private readonly int _lastShift;
    private readonly Stack<byte[]>[] _kept;
    private readonly Lock _gate = new();
    private long _retained;
    private long _droppedSinceCollection;
    private int _largeRented;
    private int _collections;

    public BufferPool()
        : this(BufferPoolLimits.Default)
    {
    }

    public BufferPool(BufferPoolLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        _lastShift = Math.Max(FirstShift - 1, BitOperations.Log2((uint)Math.Max(limits.LargestKept, 1)));
        _kept = [.. Enumerable.Range(FirstShift, _lastShift - FirstShift + 1).Select(_ => new Stack<byte[]>())];
    }

    public BufferPoolLimits Limits => _limits;

    /// <summary>Bytes currently kept for reuse.</summary>
    public long Retained
    {
        get
        {
            lock (_gate)
            {
                return _retained;
            }
        }
    }

    /// <summary>Large arrays rented and not yet returned.</summary>
    public int LargeRented => Volatile.Read(ref _largeRented);

    /// <summary>Collections this pool started (see the remarks on <see cref="BufferPool"/>).</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes.</summary>
    public byte[] Rent(int minimumLength)
    {
        if (minimumLength <= SmallLimit)
        {
            return ArrayPool<byte>.Shared.Rent(minimumLength);
        }

        Interlocked.Increment(ref _largeRented);
        int shift = ShiftFor(minimumLength);
        if (shift > _lastShift)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }

        lock (_gate)
        {
            if (_kept[shift - FirstShift].TryPop(out var kept))
            {
                _retained -= kept.Length;
                return kept;
            }
        }

        return GC.AllocateUninitializedArray<byte>(1 << shift);
    }

    /// <summary>Hands back an array from <see cref="Rent"/>; kept if the budget allows, else left to the collector.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length <= SmallLimit)
        {
            ArrayPool<byte>.Shared.Return(array);
            return;
        }

        bool collect = false;
        lock (_gate)
        {
            int stillRented = Interlocked.Decrement(ref _largeRented);

            // Only exact powers of two came from the stacks; anything else (a one-off huge array) goes to the collector.
            if (BitOperations.IsPow2(array.Length) && ShiftFor(array.Length) <= _lastShift && _retained + array.Length <= _limits.RetainedBytes)
            {
                _kept[ShiftFor(array.Length) - FirstShift].Push(array);
                _retained += array.Length;
            }
            else
            {
                _droppedSinceCollection += array.Length;
            }

            if (stillRented == 0 && _droppedSinceCollection >= _limits.CollectAfterDroppedBytes)
            {
                _droppedSinceCollection = 0;
                _collections++;
                collect = true;
            }
        }

        if (collect)
        {
            // Queued, not run here: the thread returning the array is serving a request or a benchmark call, and
            // neither should wait for a full compacting collection to finish.
            ThreadPool.UnsafeQueueUserWorkItem(static _ => CollectAndGiveBack(), null);
        }
    }

    // Compacting, and aggressive so that the freed regions go back to the system rather than wait for reuse.
    private static void CollectAndGiveBack()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static int ShiftFor(int length) => BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)length));
}
