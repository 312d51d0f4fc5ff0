using ServingBench.Export.Triton;

namespace ServingBench.Export.TfServing;

/// <summary>
/// TF Serving's side of the export. TF Serving cannot load ONNX, so this writes what it reads and says what to put
/// in it rather than producing a model: models.config (one config per model, base path /models/&lt;name&gt; in the
/// container), monitoring.config (Prometheus on the REST port), batching_parameters.txt when batching is asked for,
/// and a README per model naming the SavedModel signature the suite's clients need. Version folders are the user's
/// (<c>&lt;name&gt;/1/saved_model.pb</c>, <c>variables/</c>) and are never touched.
/// </summary>
public static class TfServingLayoutWriter
{
    public const string ModelsConfig = "models.config";
    public const string MonitoringConfig = "monitoring.config";
    public const string BatchingParameters = "batching_parameters.txt";
    public const string ReadmeName = "README.md";
    public const string MetricsPath = "/monitoring/prometheus/metrics";
    public const string ModelsInContainer = "/models";

    public static void Write(string directory, IReadOnlyList<ExportedModel> models, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ModelsConfig), ModelServerConfig(models));
        File.WriteAllText(Path.Combine(directory, MonitoringConfig), Monitoring());
        string batching = Path.Combine(directory, BatchingParameters);
        if (options.Batching.Dynamic)
        {
            File.WriteAllText(batching, Batching(options.Batching));
        }
        else
        {
            File.Delete(batching);
        }

        foreach (var model in models)
        {
            string folder = Directory.CreateDirectory(Path.Combine(directory, model.Name)).FullName;
            File.WriteAllText(Path.Combine(folder, ReadmeName), Readme(model));
        }
    }

    /// <summary>Whether the user put a SavedModel in a version folder (a number, as TF Serving reads them) of <paramref name="model"/>.</summary>
    public static bool HasSavedModel(string directory, ExportedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string folder = Path.Combine(directory, model.Name);
        return Directory.Exists(folder) && Directory.EnumerateDirectories(folder)
            .Any(version => long.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && File.Exists(Path.Combine(version, "saved_model.pb")));
    }

    /// <summary>tensorflow.serving.ModelServerConfig in text format.</summary>
    public static string ModelServerConfig(IEnumerable<ExportedModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var text = new StringBuilder("model_config_list {\n");
        foreach (var model in models)
        {
            text.Append("  config {\n")
                .Append("    name: ").Append(TritonModelConfig.Quote(model.Name)).Append('\n')
                .Append("    base_path: ").Append(TritonModelConfig.Quote($"{ModelsInContainer}/{model.Name}")).Append('\n')
                .Append("    model_platform: \"tensorflow\"\n")
                .Append("  }\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>tensorflow.serving.MonitoringConfig in text format: Prometheus metrics at <see cref="MetricsPath"/> on the REST port.</summary>
    public static string Monitoring() => $"prometheus_config {{\n  enable: true\n  path: \"{MetricsPath}\"\n}}\n";

    /// <summary>tensorflow.serving.BatchingParameters in text format (read with --enable_batching).</summary>
    public static string Batching(BatchingOptions batching)
    {
        ArgumentNullException.ThrowIfNull(batching);
        return $"max_batch_size {{ value: {batching.MaxBatchSize.ToString(CultureInfo.InvariantCulture)} }}\n"
            + $"batch_timeout_micros {{ value: {(batching.MaxDelayMilliseconds * 1000L).ToString(CultureInfo.InvariantCulture)} }}\n";
    }

    /// <summary>What the user must put in the model's folder for the suite's clients to find what they send.</summary>
    public static string Readme(ExportedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var text = new StringBuilder();
        text.Append($"# {model.Name} for TF Serving: supply a SavedModel here\n\n")
            .Append("TF Serving cannot load ONNX, so `models export` writes no model for it. Put a TensorFlow SavedModel in\n")
            .Append($"`tfserving/{model.Name}/1/` (`saved_model.pb` and `variables/`; TF Serving serves the highest numbered folder) whose\n")
            .Append("signature `serving_default` (method `tensorflow/serving/predict`) has exactly these tensors:\n\n")
            .Append("| | name | dtype | shape |\n|---|---|---|---|\n")
            .Append(Row("input", model.Input))
            .Append(Row("output", model.Output))
            .Append('\n')
            .Append("-1 is a dimension of any size; the suite sends a batch of one. ")
            .Append(model.IsGenerator
                ? "The output is the generated ids (the served summariser), so the SavedModel must run the generation loop itself.\n"
                : "These are the names, types and shapes of the ONNX file the other servers get.\n")
            .Append("`saved_model_cli show --dir 1 --tag_set serve --signature_def serving_default` prints what a SavedModel declares.\n");
        return text.ToString();
    }

    private static string Row(string role, TensorSpec tensor) =>
        $"| {role} | `{tensor.Name}` | `{ServedTensors.TensorFlowName(tensor.DataType)}` | `[{string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}]` |\n";
}
