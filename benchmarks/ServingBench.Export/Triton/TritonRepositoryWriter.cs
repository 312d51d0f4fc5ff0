namespace ServingBench.Export.Triton;

/// <summary>
/// A Triton model repository: per model <c>&lt;name&gt;/config.pbtxt</c> and <c>&lt;name&gt;/1/model.onnx</c> for the ONNX
/// Runtime backend. BART becomes its three ONNX parts as models of their own plus <c>bart</c>, a Python-backend model
/// that runs the suite's greedy loop over them through BLS, so the suite's clients find the input_ids → output_ids
/// signature they send to the emulator.
/// </summary>
public static class TritonRepositoryWriter
{
    public const string OnnxPlatform = "onnxruntime_onnx";
    public const string ConfigFileName = "config.pbtxt";
    public const string VersionFolder = "1";

    /// <summary>The Triton model name of a BART part ("bart_encoder", …).</summary>
    public static string PartModelName(ExportedModel bart, string part)
    {
        ArgumentNullException.ThrowIfNull(bart);
        return $"{bart.Name}_{part}";
    }

    /// <summary>Writes the repository; returns one line per model that did not get what was asked (no batching for a fixed batch dimension).</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<ExportedModel> models, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        ExportFolder.Recreate(directory);
        var notes = new List<string>();
        foreach (var model in models)
        {
            if (model.IsGenerator)
            {
                WriteGenerator(directory, model, options);
                continue;
            }

            var config = OnnxConfig(model.Name, model.MainFile, options, batch: true);
            if (options.Batching.MaxBatchSize > 0 && config.MaxBatchSize == 0)
            {
                notes.Add($"triton: {model.Name} declares a fixed batch dimension, so it gets max_batch_size 0 and no batching");
            }

            WriteOnnxModel(directory, config, model.MainFile.Path);
        }

        return notes;
    }

    /// <summary>
    /// The configuration of one ONNX file: its tensors' names, datatypes and dims. With <paramref name="batch"/>, a
    /// positive max_batch_size and a variable first dimension on every tensor, Triton batches along it (the dims then
    /// leave it out) and, if asked, runs the dynamic batcher; otherwise max_batch_size is 0 and the dims are whole.
    /// </summary>
    public static TritonModelConfig OnnxConfig(string name, OnnxModelInfo file, ExportOptions options, bool batch)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        var inputs = file.Inputs.Select(ServedTensors.FromOnnx).ToArray();
        var outputs = file.Outputs.Select(ServedTensors.FromOnnx).ToArray();
        bool batchable = batch && options.Batching.MaxBatchSize > 0
            && inputs.Concat(outputs).All(t => t.Shape.Length >= 2 && t.Shape[0] == -1);
        if (!batchable)
        {
            return new TritonModelConfig
            {
                Name = name,
                Platform = OnnxPlatform,
                MaxBatchSize = 0,
                Inputs = inputs,
                Outputs = outputs,
                InstanceCount = options.Workers,
            };
        }

        return new TritonModelConfig
        {
            Name = name,
            Platform = OnnxPlatform,
            MaxBatchSize = options.Batching.MaxBatchSize,
            Inputs = [.. inputs.Select(t => t with { Shape = t.Shape[1..] })],
            Outputs = [.. outputs.Select(t => t with { Shape = t.Shape[1..] })],
            DynamicBatchingDelayMicroseconds = options.Batching.Dynamic ? options.Batching.MaxDelayMilliseconds * 1000L : null,
            InstanceCount = options.Workers,
        };
    }

    /// <summary>BART's served model: the Python backend on CPU instances (it only loops; the parts do the work).</summary>
    public static TritonModelConfig GeneratorConfig(ExportedModel bart, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(bart);
        ArgumentNullException.ThrowIfNull(options);
        return new TritonModelConfig
        {
            Name = bart.Name,
            Backend = "python",
            MaxBatchSize = 0,
            Inputs = [bart.Input],
            Outputs = [bart.Output],
            InstanceKind = "KIND_CPU",
            InstanceCount = options.Workers ?? 1,
        };
    }

    private static void WriteGenerator(string directory, ExportedModel bart, ExportOptions options)
    {
        var parts = new Dictionary<string, HandlerPart>(StringComparer.Ordinal);
        foreach (var (part, file) in bart.Parts())
        {
            string name = PartModelName(bart, part);
            WriteOnnxModel(directory, OnnxConfig(name, file, options, batch: false), file.Path);
            parts[part] = new HandlerPart(name, [.. file.Outputs.Select(o => o.Name)]);
        }

        string version = WriteConfig(directory, GeneratorConfig(bart, options));
        PythonSources.Write(PythonSources.TritonBartModel, Path.Combine(version, "model.py"));
        PythonSources.Write(PythonSources.Generation, Path.Combine(version, PythonSources.Generation));
        var settings = new HandlerSettings
        {
            Model = bart.Name,
            Input = HandlerTensor.From(bart.Input),
            Output = HandlerTensor.From(bart.Output),
            Parts = parts,
            NewTokens = options.BartNewTokens,
        };
        File.WriteAllText(Path.Combine(version, HandlerSettings.FileName), settings.ToJson());
    }

    private static void WriteOnnxModel(string directory, TritonModelConfig config, string onnxPath)
    {
        string version = WriteConfig(directory, config);
        File.Copy(onnxPath, Path.Combine(version, "model.onnx"), overwrite: true);
    }

    /// <summary>Writes <c>&lt;name&gt;/config.pbtxt</c>; returns the version folder, created empty.</summary>
    private static string WriteConfig(string directory, TritonModelConfig config)
    {
        string model = Path.Combine(directory, config.Name);
        string version = Path.Combine(model, VersionFolder);
        Directory.CreateDirectory(version);
        File.WriteAllText(Path.Combine(model, ConfigFileName), config.ToText());
        return version;
    }
}
