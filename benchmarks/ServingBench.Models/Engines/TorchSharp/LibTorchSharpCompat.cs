using System.Buffers.Binary;
using System.Text;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>
/// TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 (GCC 13) for one symbol only,
/// std::ios_base_library_init, a dummy that GCC 13's &lt;iostream&gt; references for init ordering and that no
/// relocation uses. Debian 12's libstdc++ stops at 3.4.30, so the load fails. Marking that version
/// requirement weak (VER_FLG_WEAK in its ELF vernaux entry) makes glibc accept its absence and changes
/// nothing where it exists. Applied to the copy next to the app before TorchSharp loads it; idempotent.
/// </summary>
public static class LibTorchSharpCompat
{
    private const string FileName = "libLibTorchSharp.so";
    private const string WeakVersion = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>Patches <see cref="AppContext.BaseDirectory"/>'s copy (Linux only). Returns a note, or null when nothing was needed.</summary>
    public static string? EnsurePatched()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        string path = Path.Combine(AppContext.BaseDirectory, FileName);
        return File.Exists(path) ? Patch(path) : null;
    }

    /// <summary>Sets VER_FLG_WEAK on the GLIBCXX_3.4.32 requirement of an ELF64 little-endian file.</summary>
    public static string? Patch(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"'{path}' is not a 64-bit little-endian ELF file");
        }

        long sectionHeaders = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        for (int s = 0; s < count; s++)
        {
            var header = elf.AsSpan(checked((int)(sectionHeaders + (s * entrySize))));
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            int stringsSection = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
            int needCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[44..]);
            var stringsHeader = elf.AsSpan(checked((int)(sectionHeaders + (stringsSection * entrySize))));
            long strings = (long)BinaryPrimitives.ReadUInt64LittleEndian(stringsHeader[24..]);

            long need = offset;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)need + 2));
                long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)need + 8));
                for (int a = 0; a < auxCount; a++)
                {
                    var entry = elf.AsSpan((int)aux, 16);
                    long name = strings + BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
                    int end = Array.IndexOf(elf, (byte)0, (int)name);
                    if (Encoding.ASCII.GetString(elf, (int)name, end - (int)name) == WeakVersion)
                    {
                        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(entry[4..]);
                        if ((flags & VerFlagWeak) != 0)
                        {
                            return null;
                        }

                        BinaryPrimitives.WriteUInt16LittleEndian(entry[4..], (ushort)(flags | VerFlagWeak));
                        string temp = path + ".patching";
                        File.WriteAllBytes(temp, elf);
                        File.Move(temp, path, overwrite: true);
                        return $"marked {WeakVersion} weak in '{path}'";
                    }

                    aux += BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
                }

                need += BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)need + 12));
            }
        }

        return null;
    }
}
