using System.Runtime.InteropServices;

namespace ServingBench.Reports.Runs;

/// <summary>The machine a run measured on. Two runs share a table only when their <see cref="Fingerprint"/>s match.</summary>
/// <param name="Host">The machine's name (not part of the fingerprint: identical VMs differ only in name).</param>
/// <param name="CpuModel">The CPU's model name (<c>AMD EPYC 9R14</c>); "unknown" where the OS does not say.</param>
/// <param name="CpuFamily">The CPU family number (x64: 25 is Zen 3/4, 26 Zen 5); null where the OS does not say.</param>
/// <param name="LogicalCores">Cores the runtime sees.</param>
/// <param name="MemoryBytes">Memory available to the process (physical memory, or the container's limit).</param>
public sealed record MachineInfo(
    string Host,
    string CpuModel,
    int? CpuFamily,
    int LogicalCores,
    long MemoryBytes,
    string Os,
    string Runtime,
    string Architecture)
{
    /// <summary>What must match for figures to compare: CPU model and family, cores, memory (to the GiB), OS, runtime.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Fingerprint => string.Create(
        CultureInfo.InvariantCulture,
        $"{CpuModel} (family {CpuFamily?.ToString(CultureInfo.InvariantCulture) ?? "?"}), {LogicalCores} cores, {Math.Round(MemoryBytes / (double)(1L << 30))} GiB, {Os}, {Runtime}");

    /// <param name="processorIdentifier">
    /// The OS's processor description where /proc/cpuinfo is absent (Windows' <c>PROCESSOR_IDENTIFIER</c>, which the app reads).
    /// </param>
    public static MachineInfo Current(string? processorIdentifier)
    {
        var (model, family) = ReadCpu(processorIdentifier);
        return new MachineInfo(
            Environment.MachineName,
            model,
            family,
            Environment.ProcessorCount,
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSArchitecture.ToString());
    }

    /// <summary>Linux says both in /proc/cpuinfo; elsewhere the processor identifier, when there is one, names the model.</summary>
    private static (string Model, int? Family) ReadCpu(string? processorIdentifier)
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (File.Exists(CpuInfo))
        {
            return ParseCpuInfo(File.ReadLines(CpuInfo));
        }

        return (processorIdentifier ?? "unknown", null);
    }

    /// <summary>The first processor's <c>model name</c> and <c>cpu family</c> lines.</summary>
    internal static (string Model, int? Family) ParseCpuInfo(IEnumerable<string> lines)
    {
        string model = "unknown";
        int? family = null;
        foreach (string line in lines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (line.Length == 0 && model != "unknown")
                {
                    break; // end of the first processor's block
                }

                continue;
            }

            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (key == "model name" && model == "unknown")
            {
                model = value;
            }
            else if (key == "cpu family" && family is null && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed))
            {
                family = parsed;
            }
        }

        return (model, family);
    }
}
