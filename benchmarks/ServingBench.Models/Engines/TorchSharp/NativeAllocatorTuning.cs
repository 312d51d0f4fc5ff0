using System.Runtime.InteropServices;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>
/// Keeps glibc's malloc from handing every large libtorch temporary back to the kernel. Eager TorchSharp allocates
/// each intermediate tensor (a BART encoder activation is 2–8 MB) through malloc; above glibc's mmap threshold each
/// one is a fresh mapping whose pages the kernel faults in and zeroes on first touch. Profiled here: 47 % of a
/// BART encode's cycles were in the kernel's clear_page, and the warm encode took 2.4 s instead of 1.4 s. Raising
/// the mmap threshold to glibc's maximum (32 MiB) and never trimming the heap lets freed blocks be reused, as
/// PyTorch's own CPU tuning guide gets by swapping in jemalloc or tcmalloc. ONNX Runtime needs none of this: its
/// arena plans and reuses buffers itself.
/// </summary>
internal static partial class NativeAllocatorTuning
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD in glibc's malloc.h
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int MaximumMmapThreshold = 32 << 20; // HEAP_MAX_SIZE / 2 on 64-bit glibc

    /// <summary>Applies the settings on Linux with glibc; elsewhere (or on musl, without mallopt) does nothing.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = Mallopt(MmapThreshold, MaximumMmapThreshold);
            _ = Mallopt(TrimThreshold, int.MaxValue);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: its allocator has its own policy; the engine works the same, only slower.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
