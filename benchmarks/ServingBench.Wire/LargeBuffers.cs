using System.Buffers;
using System.Numerics;

namespace ServingBench.Wire;

/// <summary>
/// Where <see cref="PooledBufferWriter"/> gets arrays above <see cref="SmallLimit"/>: a pool that keeps at most
/// <see cref="RetainedLimit"/> bytes of returned arrays and lets the garbage collector have the rest.
/// </summary>
/// <remarks>
/// <see cref="ArrayPool{T}.Shared"/> keeps up to 32 arrays per size per core and trims them only under memory
/// pressure, so a burst of large bodies from many connections stayed resident: 6.3 MB bodies from 200
/// connections left a server at 3.3–3.7 GB RSS. A benchmark has a few large buffers in use at once (request,
/// response, both encodings), which fit well inside the limit, so its steady state still allocates nothing.
/// </remarks>
public static class LargeBuffers
{
    /// <summary>Arrays up to this size come from <see cref="ArrayPool{T}.Shared"/> (fast, per core, and small in total).</summary>
    public const int SmallLimit = 64 * 1024;

    /// <summary>Most bytes of large arrays kept for reuse across the process.</summary>
    public const long RetainedLimit = 128L * 1024 * 1024;

    // One stack per power of two from 2^17 (just above SmallLimit) to 2^30; larger arrays are never kept.
    private const int FirstShift = 17;
    private const int LastShift = 30;
    private static readonly Stack<byte[]>[] Kept = [.. Enumerable.Range(FirstShift, LastShift - FirstShift + 1).Select(_ => new Stack<byte[]>())];
    private static readonly Lock Gate = new();
    private static long _retained;
    private static long _dropped;

    /// <summary>Bytes currently kept for reuse (for tests and diagnostics).</summary>
    public static long Retained
    {
        get
        {
            lock (Gate)
            {
                return _retained;
            }
        }
    }

    /// <summary>Bytes of large arrays returned but not kept, since the process started: garbage for the next full collection.</summary>
    public static long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes.</summary>
    public static byte[] Rent(int minimumLength)
    {
        if (minimumLength <= SmallLimit)
        {
            return ArrayPool<byte>.Shared.Rent(minimumLength);
        }

        int shift = ShiftFor(minimumLength);
        if (shift > LastShift)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }

        lock (Gate)
        {
            if (Kept[shift - FirstShift].TryPop(out var kept))
            {
                _retained -= kept.Length;
                return kept;
            }
        }

        return GC.AllocateUninitializedArray<byte>(1 << shift);
    }

    /// <summary>Hands back an array from <see cref="Rent"/>; kept if the budget allows, else left to the collector.</summary>
    public static void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length <= SmallLimit)
        {
            ArrayPool<byte>.Shared.Return(array);
            return;
        }

        // Only exact powers of two came from here; anything else (a one-off huge array) goes to the collector.
        if (BitOperations.IsPow2(array.Length) && ShiftFor(array.Length) is >= FirstShift and <= LastShift)
        {
            lock (Gate)
            {
                if (_retained + array.Length <= RetainedLimit)
                {
                    Kept[ShiftFor(array.Length) - FirstShift].Push(array);
                    _retained += array.Length;
                    return;
                }
            }
        }

        Interlocked.Add(ref _dropped, array.Length);
    }

    /// <summary>Drops every kept array (for tests that measure what a load leaves behind).</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            foreach (var stack in Kept)
            {
                stack.Clear();
            }

            _retained = 0;
        }
    }

    private static int ShiftFor(int length) => BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)length));
}
