using System.IO.Compression;

namespace ServingBench.Export.TorchServe;

/// <summary>
/// A TorchServe model archive (.mar) as torch-model-archiver 0.12 writes it with <c>--archive-format zip-store</c>:
/// a zip, entries stored uncompressed, the model file, handler and extra files at its root, and
/// <c>MAR-INF/MANIFEST.json</c> with the archiver's field names (model_archiver/manifest_components).
/// </summary>
/// <remarks>Stored, not deflated: float weights barely compress, and BART's 2.8 GB would take minutes to deflate for nothing.</remarks>
public sealed class ModelArchive
{
    public const string ManifestPath = "MAR-INF/MANIFEST.json";

    /// <summary>The torch-model-archiver release whose layout and manifest this follows (archiverVersion).</summary>
    public const string ArchiverVersion = "0.12.0";

    /// <summary>The version TorchServe serves the model under; the emulator answers with the same.</summary>
    public const string ModelVersion = "1.0";

    private readonly List<(string Name, Func<Stream> Open)> _entries = [];

    public required string ModelName { get; init; }

    /// <summary>The entry TorchServe calls the model file (<c>serializedFile</c>).</summary>
    public required string SerializedFile { get; init; }

    public required string Handler { get; init; }

    public string? RequirementsFile { get; init; }

    /// <summary>When the archive was made (<c>createdOn</c>); the archiver writes the local time.</summary>
    public DateTime CreatedOn { get; init; } = DateTime.Now;

    public IEnumerable<string> EntryNames => _entries.Select(e => e.Name);

    public ModelArchive AddFile(string entryName, string path)
    {
        _entries.Add((entryName, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20)));
        return this;
    }

    public ModelArchive AddBytes(string entryName, byte[] content)
    {
        _entries.Add((entryName, () => new MemoryStream(content, writable: false)));
        return this;
    }

    /// <summary>MANIFEST.json as the archiver writes it: createdOn, runtime, model {…}, archiverVersion; indent 2.</summary>
    public string Manifest()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("createdOn", CreatedOn.ToString("dd/MM/yyyy HH:mm:ss", CultureInfo.InvariantCulture));
            json.WriteString("runtime", "python");
            json.WriteStartObject("model");
            json.WriteString("modelName", ModelName);
            json.WriteString("serializedFile", SerializedFile);
            json.WriteString("handler", Handler);
            json.WriteString("modelVersion", ModelVersion);
            if (RequirementsFile is not null)
            {
                json.WriteString("requirementsFile", RequirementsFile);
            }

            json.WriteEndObject();
            json.WriteString("archiverVersion", ArchiverVersion);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void Write(string path)
    {
        var names = _entries.Select(e => e.Name).ToList();
        foreach (string required in new[] { SerializedFile, Handler }.Concat(RequirementsFile is null ? [] : [RequirementsFile]))
        {
            if (!names.Contains(required))
            {
                throw new InvalidOperationException($"{ModelName}.mar: the manifest names '{required}', which the archive does not hold");
            }
        }

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, open) in _entries)
        {
            using var source = open();
            using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            source.CopyTo(entry, 1 << 20);
        }

        using var manifest = zip.CreateEntry(ManifestPath, CompressionLevel.NoCompression).Open();
        manifest.Write(Encoding.UTF8.GetBytes(Manifest()));
    }
}
