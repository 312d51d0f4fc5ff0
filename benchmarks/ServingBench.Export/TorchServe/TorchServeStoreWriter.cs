using ServingBench.Payloads;

namespace ServingBench.Export.TorchServe;

/// <summary>
/// A TorchServe model store (<c>model-store/&lt;name&gt;.mar</c>) and its config.properties. Each archive holds the
/// model's ONNX files, the handler (servingbench_handler.py with its two modules), servingbench.json, the files its
/// answers need (ImageNet labels; the GPT-2 BPE files the suite tokenises with) and requirements.txt.
/// </summary>
public static class TorchServeStoreWriter
{
    public const string StoreFolder = "model-store";
    public const string RequirementsFile = "requirements.txt";

    /// <summary>
    /// ONNX Runtime for the handler, pinned to the newest release with wheels for the pytorch/torchserve:0.12.0
    /// images' Python 3.9; numpy and Pillow come with the image.
    /// </summary>
    public const string Requirements = "# Installed by TorchServe when the model loads (install_py_dep_per_model=true).\nonnxruntime==1.19.2\n";

    public static string ArchiveName(ExportedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Name + ".mar";
    }

    public static void Write(string directory, IReadOnlyList<ExportedModel> models, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        ExportFolder.Recreate(directory);
        string store = Directory.CreateDirectory(Path.Combine(directory, StoreFolder)).FullName;
        foreach (var model in models)
        {
            Archive(model, options).Write(Path.Combine(store, ArchiveName(model)));
        }

        File.WriteAllText(Path.Combine(directory, TorchServeProperties.FileName), TorchServeProperties.Write(models, options));
    }

    /// <summary>The archive of one model, its entries named but not yet read.</summary>
    public static ModelArchive Archive(ExportedModel model, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);

        // The first file is the manifest's serializedFile (BART's encoder); the others travel as extra files.
        (string Part, string Path)[] files = model.IsGenerator
            ? [.. model.Parts().Select(p => (p.Part, p.File.Path))]
            : [("model", model.MainFile.Path)];
        var archive = new ModelArchive
        {
            ModelName = model.Name,
            SerializedFile = Path.GetFileName(files[0].Path),
            Handler = PythonSources.TorchServeHandler,
            RequirementsFile = RequirementsFile,
        };
        foreach (var (_, path) in files)
        {
            archive.AddFile(Path.GetFileName(path), path);
        }

        foreach (string source in new[] { PythonSources.TorchServeHandler, PythonSources.Processing, PythonSources.Generation })
        {
            archive.AddBytes(source, PythonSources.Read(source));
        }

        var settings = new HandlerSettings
        {
            Model = model.Name,
            Input = HandlerTensor.From(model.Input),
            Output = HandlerTensor.From(model.Output),
            Files = files.ToDictionary(f => f.Part, f => Path.GetFileName(f.Path), StringComparer.Ordinal),
        };
        if (model.Resolved.Kind == ModelKind.ResNet50)
        {
            settings = settings with { Labels = AddFixture(archive, FixtureFiles.ImageNetLabels) };
        }
        else if (model.Resolved.Kind == ModelKind.Bart)
        {
            settings = settings with
            {
                Vocabulary = AddFixture(archive, FixtureFiles.Gpt2Vocab),
                Merges = AddFixture(archive, FixtureFiles.Gpt2Merges),
                NewTokens = options.BartNewTokens,
            };
        }

        archive.AddBytes(HandlerSettings.FileName, Encoding.UTF8.GetBytes(settings.ToJson()));
        archive.AddBytes(RequirementsFile, Encoding.UTF8.GetBytes(Requirements));
        return archive;
    }

    /// <summary>Adds a committed fixture at the archive's root; returns its entry name.</summary>
    private static string AddFixture(ModelArchive archive, string fixture)
    {
        string name = Path.GetFileName(fixture);
        archive.AddFile(name, FixtureFiles.GetPath(fixture));
        return name;
    }
}
