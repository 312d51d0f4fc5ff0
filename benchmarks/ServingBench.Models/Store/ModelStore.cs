using System.Security.Cryptography;
using System.Text.Json;

namespace ServingBench.Models.Store;

/// <summary>
/// models/: real exports the user drops in (preferred), else generated models in models/cache, built on first
/// use and reused while their manifest (builder version, sizes, SHA-256 re-checked when a file's time changes) matches.
/// </summary>
/// <remarks>
/// Recognised exports: resnet50.onnx or resnet50/*.onnx (one file: torchvision, ONNX zoo, Optimum);
/// wav2vec2.onnx or wav2vec2/model.onnx (Optimum); bart/ with encoder_model.onnx, decoder_model.onnx and
/// decoder_with_past_model.onnx (Optimum). Tensor names are read from the files. The app decides where the store
/// lives (its SERVINGBENCH_MODELS setting, else models/ beside Benchmarks.sln) and passes the folder.
/// </remarks>
public sealed class ModelStore(string root)
{
    private const string ManifestName = "manifest.json";

    public string Root { get; } = Path.GetFullPath(root);

    public string CacheDirectory => Path.Combine(Root, "cache");

    /// <summary>A user export if one is present (real size only), else the generated model, built if missing or stale.</summary>
    public ResolvedModel Resolve(ModelKind kind, ModelSize size, IProgress<string>? progress = null)
    {
        if (size == ModelSize.Real && FindExport(kind) is { } export)
        {
            return export;
        }

        var architecture = ModelArchitecture.Create(kind, size);
        string directory = Path.Combine(CacheDirectory, architecture.Name);
        lock (BuildLocks.GetOrAdd(directory, _ => new object()))
        {
            using var crossProcess = AcquireBuildLock(directory);
            if (!IsCurrent(architecture, directory, fullCheck: false, refresh: true))
            {
                Build(architecture, directory, progress);
            }
        }

        return new ResolvedModel(kind, size, ModelSource.Generated, directory,
            architecture.Parts.Select(p => OnnxModelInfo.Read(Path.Combine(directory, p.FileName))).ToArray());
    }

    /// <summary>
    /// The single-file model of <paramref name="kind"/> with its float input and output as FP16 or BF16 (a Cast at each
    /// edge, <see cref="OnnxFloatCast"/>): written into the cache from whatever <see cref="Resolve"/> gives, on first use,
    /// and again whenever that source file changes (its path, length and time are kept beside the copy).
    /// </summary>
    public string ResolveHalfPrecision(ModelKind kind, ModelSize size, Onnx.Proto.TensorProto.Types.DataType type, IProgress<string>? progress = null)
    {
        var model = Resolve(kind, size, progress);
        if (model.Files.Count != 1)
        {
            throw new NotSupportedException($"{kind} has {model.Files.Count} model files; half-precision copies are made of single-file models");
        }

        var source = new FileInfo(model.MainFile);
        string suffix = type == Onnx.Proto.TensorProto.Types.DataType.Float16 ? "fp16" : "bf16";
        string directory = Path.Combine(CacheDirectory, $"{ModelArchitecture.Create(kind, size).Name}-{suffix}");
        string path = Path.Combine(directory, source.Name);
        string stamp = $"{source.FullName}\n{source.Length}\n{source.LastWriteTimeUtc.Ticks}";
        string stampPath = Path.Combine(directory, "source.txt");
        lock (BuildLocks.GetOrAdd(directory, _ => new object()))
        {
            using var crossProcess = AcquireBuildLock(directory);
            if (!File.Exists(path) || !File.Exists(stampPath) || File.ReadAllText(stampPath) != stamp)
            {
                progress?.Report($"{kind}: writing its {suffix} copy (a Cast at the input and the output)");
                OnnxFloatCast.Write(model.MainFile, path, type);
                File.WriteAllText(stampPath, stamp);
            }
        }

        return path;
    }

    /// <summary>A real export of <paramref name="kind"/> in models/, or null.</summary>
    public ResolvedModel? FindExport(ModelKind kind)
    {
        string name = kind.ToString().ToLowerInvariant();
        string folder = Path.Combine(Root, name);
        string[] files = kind switch
        {
            ModelKind.Bart => File.Exists(Path.Combine(folder, Bart.EncoderFile))
                ? [Path.Combine(folder, Bart.EncoderFile), Path.Combine(folder, Bart.DecoderFile), Path.Combine(folder, Bart.DecoderWithPastFile)]
                : [],
            _ => File.Exists(Path.Combine(Root, name + ".onnx"))
                ? [Path.Combine(Root, name + ".onnx")]
                : Directory.Exists(folder) ? Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal).Take(1).ToArray() : [],
        };
        if (files.Length == 0)
        {
            return null;
        }

        var missing = files.Where(f => !File.Exists(f)).ToArray();
        if (missing.Length > 0)
        {
            throw new FileNotFoundException($"a {name} export in '{folder}' is incomplete: missing {string.Join(", ", missing.Select(Path.GetFileName))} (export with past: optimum-cli export onnx --task text2text-generation-with-past)");
        }

        var infos = files.Select(OnnxModelInfo.Read).ToArray();
        return new ResolvedModel(kind, ModelSize.Real, ModelSource.UserExport, Path.GetDirectoryName(files[0])!, infos);
    }

    public void Build(ModelArchitecture architecture, string directory, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Directory.CreateDirectory(directory);
        File.Delete(Path.Combine(directory, ManifestName));
        var started = System.Diagnostics.Stopwatch.StartNew();
        OnnxModelWriter.Write(architecture, directory, part => progress?.Report($"{architecture.Name}: building {part} ({started.Elapsed.TotalSeconds:F0} s)"));
        progress?.Report($"{architecture.Name}: checksumming");
        var manifest = new Manifest(ModelBuildInfo.Version, ModelBuildInfo.Seed,
            architecture.Parts.Select(p => Describe(Path.Combine(directory, p.FileName))).ToList());
        File.WriteAllText(Path.Combine(directory, ManifestName), JsonSerializer.Serialize(manifest, ManifestJson));
        progress?.Report($"{architecture.Name}: built in {started.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Whether the cached build matches its manifest. Sizes are always compared; a file whose modification time
    /// differs from the manifest's is re-hashed (same-size damage, one flipped byte, changes the time), and
    /// <paramref name="fullCheck"/> re-hashes every file. <paramref name="refresh"/> records the times of files whose
    /// hash still matched, so an unchanged file is hashed once, not on every use.
    /// </summary>
    public bool IsCurrent(ModelArchitecture architecture, string directory, bool fullCheck, bool refresh = false)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        string manifestPath = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifestPath))
        {
            return false;
        }

        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), ManifestJson);
        }
        catch (JsonException)
        {
            return false;
        }

        if (manifest is null || manifest.BuilderVersion != ModelBuildInfo.Version || manifest.Seed != ModelBuildInfo.Seed
            || manifest.Files.Count != architecture.Parts.Count)
        {
            return false;
        }

        bool retimed = false;
        for (int i = 0; i < manifest.Files.Count; i++)
        {
            var file = manifest.Files[i];
            var info = new FileInfo(Path.Combine(directory, file.Name));
            if (!info.Exists || info.Length != file.Length)
            {
                return false;
            }

            long written = info.LastWriteTimeUtc.Ticks;
            if (fullCheck || file.LastWriteTicks != written)
            {
                if (Hash(info.FullName) != file.Sha256)
                {
                    return false;
                }

                retimed |= file.LastWriteTicks != written;
                manifest.Files[i] = file with { LastWriteTicks = written };
            }
        }

        if (refresh && retimed)
        {
            File.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, ManifestJson));
        }

        return true;
    }

    /// <summary>One builder per cache folder across processes (tests in parallel, benchmark children).</summary>
    private static FileStream AcquireBuildLock(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, ".build.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> BuildLocks = new(StringComparer.Ordinal);

    private static ManifestFile Describe(string path)
    {
        var info = new FileInfo(path);
        return new(info.Name, info.Length, Hash(path)) { LastWriteTicks = info.LastWriteTimeUtc.Ticks };
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    private sealed record Manifest(string BuilderVersion, int Seed, List<ManifestFile> Files);

    /// <summary>LastWriteTicks: the file's UTC modification time when last hashed (absent in older manifests, so hashed once).</summary>
    private sealed record ManifestFile(string Name, long Length, string Sha256)
    {
        public long? LastWriteTicks { get; init; }
    }
}
