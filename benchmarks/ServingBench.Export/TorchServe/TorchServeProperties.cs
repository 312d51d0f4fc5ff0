namespace ServingBench.Export.TorchServe;

/// <summary>
/// config.properties for the pytorch/torchserve image (mounted over /home/model-server/config.properties): the
/// default ports on every interface of the container, Prometheus metrics on 8082, no token (the suite's clients
/// send none), every archive in the store loaded at start with the archive's requirements installed, the job
/// queue the emulator models, and per model the workers and batch settings (the <c>models</c> property).
/// </summary>
public static class TorchServeProperties
{
    public const string FileName = "config.properties";
    public const string ModelStoreInContainer = "/home/model-server/model-store";

    public static string Write(IReadOnlyList<ExportedModel> models, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder();
        text.Append("# Written by `models export` (ServingBench); docs/real-servers.md explains it.\n");
        Property(text, "inference_address", "http://0.0.0.0:8080");
        Property(text, "management_address", "http://0.0.0.0:8081");
        Property(text, "metrics_address", "http://0.0.0.0:8082");
        Property(text, "grpc_inference_address", "0.0.0.0");
        Property(text, "grpc_inference_port", "7070");
        Property(text, "grpc_management_address", "0.0.0.0");
        Property(text, "grpc_management_port", "7071");
        Property(text, "model_store", ModelStoreInContainer);
        Property(text, "load_models", "all");
        Property(text, "disable_token_authorization", "true");
        Property(text, "enable_metrics_api", "true");
        Property(text, "metrics_mode", "prometheus");
        Property(text, "install_py_dep_per_model", "true");
        Property(text, "job_queue_size", Number(options.QueueSize));
        if (options.Workers is int workers)
        {
            Property(text, "default_workers_per_model", Number(workers));
        }

        // One line: a properties value continues only through trailing backslashes, and JSON needs none.
        Property(text, "models", ModelsJson(models, options));
        return text.ToString();
    }

    /// <summary>The <c>models</c> property: per model and version its archive, workers and batching.</summary>
    public static string ModelsJson(IReadOnlyList<ExportedModel> models, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(options);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var model in models)
            {
                json.WriteStartObject(model.Name);
                json.WriteStartObject(ModelArchive.ModelVersion);
                json.WriteBoolean("defaultVersion", true);
                json.WriteString("marName", TorchServeStoreWriter.ArchiveName(model));
                if (options.Workers is int workers)
                {
                    json.WriteNumber("minWorkers", workers);
                    json.WriteNumber("maxWorkers", workers);
                }

                json.WriteNumber("batchSize", options.Batching.Dynamic ? options.Batching.MaxBatchSize : 1);
                json.WriteNumber("maxBatchDelay", options.Batching.MaxDelayMilliseconds);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Property(StringBuilder text, string key, string value) => text.Append(key).Append('=').Append(value).Append('\n');

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
