using System.Runtime.InteropServices;

namespace ServingBench.Models.Engines;

/// <summary>
/// Read-only answers to "could this engine run here?": whether a native library is among the application's files,
/// and whether the machine has an NVIDIA driver. Nothing is loaded, so listing or skipping a case changes nothing.
/// </summary>
internal static class NativeFiles
{
    /// <summary>The file name the OS gives a native library: libX.so, X.dll or libX.dylib.</summary>
    public static string LibraryFileName(string name) =>
        OperatingSystem.IsWindows() ? $"{name}.dll"
        : OperatingSystem.IsMacOS() ? $"lib{name}.dylib"
        : $"lib{name}.so";

    /// <summary>
    /// Whether <paramref name="fileName"/> is beside the app (a build for one runtime identifier, as Linux x64 builds
    /// here are) or in its runtimes/&lt;rid&gt;/native folder (the portable layout).
    /// </summary>
    public static bool Exists(string appDirectory, string fileName) =>
        File.Exists(Path.Combine(appDirectory, fileName))
        || File.Exists(Path.Combine(appDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", fileName));

    /// <summary>Null when an NVIDIA driver is installed (its kernel module on Linux, nvcuda.dll on Windows), else why a CUDA row cannot run.</summary>
    public static string? WhyNoCudaDriver()
    {
        bool present = OperatingSystem.IsLinux() ? File.Exists("/proc/driver/nvidia/version")
            : OperatingSystem.IsWindows() && File.Exists(Path.Combine(Environment.SystemDirectory, "nvcuda.dll"));
        return present ? null : "this machine has no NVIDIA GPU driver, so no GPU to run on";
    }
}
