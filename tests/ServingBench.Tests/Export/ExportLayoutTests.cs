using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServingBench.Export;
using ServingBench.Export.TfServing;
using ServingBench.Export.TorchServe;
using ServingBench.Export.Triton;

namespace ServingBench.Tests.Export;

/// <summary>
/// What <c>models export</c> writes for the tiny models, checked with the tools that define each format: Triton's and
/// TF Serving's configurations through their official protos (protoc), the .mar against torch-model-archiver's layout
/// and manifest fields, config.properties as Java reads it, and the Python files run with stand-ins for the servers.
/// </summary>
public sealed class ExportLayoutTests(TinyExport export) : IClassFixture<TinyExport>
{
    private static readonly string Vendored = ExternalTool.RepositoryPath("protos", "vendored");

    [Fact]
    public void Every_Triton_Config_Round_Trips_Through_The_Official_Proto_With_The_Files_Tensors()
    {
        var models = Directory.GetDirectories(export.PathOf(ServerExport.TritonFolder)).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["bart", "bart_decoder", "bart_decoder_with_past", "bart_encoder", "resnet50", "wav2vec2"], models);
        foreach (var exported in export.Models)
        {
            var files = exported.IsGenerator
                ? exported.Parts().Select(p => (Model: TritonRepositoryWriter.PartModelName(exported, p.Part), p.File, Batched: false))
                : [(Model: exported.Name, File: exported.MainFile, Batched: true)];
            foreach (var (model, file, batched) in files)
            {
                var config = Decode(model);
                Assert.Equal(model, config.Name);
                Assert.Equal("onnxruntime_onnx", config.Platform);
                Assert.Equal(batched ? 4 : 0, config.MaxBatchSize);
                Assert.Equal(batched ? 7000 : null, config.DynamicBatchingDelay);
                Assert.Equal(2, config.InstanceCount);
                Assert.Equal(file.Inputs.Select(t => (t.Name, t.Dims.Skip(batched ? 1 : 0).ToArray())), config.Inputs.Select(t => (t.Name, t.Dims)), TensorComparer.Instance);
                Assert.Equal(file.Outputs.Select(t => (t.Name, t.Dims.Skip(batched ? 1 : 0).ToArray())), config.Outputs.Select(t => (t.Name, t.Dims)), TensorComparer.Instance);
                Assert.Equal(new FileInfo(file.Path).Length, new FileInfo(export.PathOf(ServerExport.TritonFolder, model, "1", "model.onnx")).Length);
            }
        }

        var bart = Decode("bart");
        Assert.Equal(("python", 0, 2), (bart.Backend, bart.MaxBatchSize, bart.InstanceCount));
        Assert.Equal(("input_ids", "TYPE_INT64", new long[] { -1, -1 }), bart.Inputs.Single(), TensorTypeComparer.Instance);
        Assert.Equal(("output_ids", "TYPE_INT64", new long[] { -1, -1 }), bart.Outputs.Single(), TensorTypeComparer.Instance);
        Assert.Equal("TYPE_FP32", Decode("resnet50").Inputs.Single().DataType);
    }

    [Fact]
    public void Tritons_Bart_Model_Calls_Part_Models_And_Outputs_The_Repository_Holds()
    {
        string version = export.PathOf(ServerExport.TritonFolder, "bart", "1");
        Assert.True(File.Exists(Path.Combine(version, "model.py")));
        Assert.True(File.Exists(Path.Combine(version, PythonSources.Generation)));
        var settings = HandlerSettings.FromJson(File.ReadAllText(Path.Combine(version, HandlerSettings.FileName)));

        Assert.Equal(["decoder", "decoder_with_past", "encoder"], settings.Parts!.Keys.Order(StringComparer.Ordinal));
        foreach (var part in settings.Parts.Values)
        {
            Assert.Equal(Decode(part.Model).Outputs.Select(o => o.Name), part.Outputs);
        }

        Assert.Equal(export.Options.BartNewTokens, settings.NewTokens);
    }

    [Fact]
    public void Each_Mar_Is_Laid_Out_As_Torch_Model_Archiver_Writes_It()
    {
        foreach (var model in export.Models)
        {
            using var archive = ZipFile.OpenRead(export.PathOf(ServerExport.TorchServeFolder, TorchServeStoreWriter.StoreFolder, model.Name + ".mar"));
            var names = archive.Entries.Select(e => e.FullName).ToArray();

            // zip-store: every entry stored; files at the root, the manifest alone in MAR-INF/.
            Assert.All(archive.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
            Assert.All(names.Where(n => n.Contains('/', StringComparison.Ordinal)), n => Assert.Equal(ModelArchive.ManifestPath, n));

            // The fields model_archiver/manifest_components/{manifest,model}.py write, in their order.
            using var manifest = JsonDocument.Parse(archive.GetEntry(ModelArchive.ManifestPath)!.Open());
            var root = manifest.RootElement;
            Assert.Equal(["createdOn", "runtime", "model", "archiverVersion"], root.EnumerateObject().Select(p => p.Name));
            Assert.True(DateTime.TryParseExact(root.GetProperty("createdOn").GetString(), "dd/MM/yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
            Assert.Equal("python", root.GetProperty("runtime").GetString());
            Assert.Equal(ModelArchive.ArchiverVersion, root.GetProperty("archiverVersion").GetString());
            var fields = root.GetProperty("model");
            Assert.Equal(["modelName", "serializedFile", "handler", "modelVersion", "requirementsFile"], fields.EnumerateObject().Select(p => p.Name));
            Assert.Equal(model.Name, fields.GetProperty("modelName").GetString());
            Assert.Equal("1.0", fields.GetProperty("modelVersion").GetString());
            foreach (string file in new[] { "serializedFile", "handler", "requirementsFile" })
            {
                Assert.Contains(fields.GetProperty(file).GetString(), names);
            }

            Assert.Contains("onnxruntime==", new StreamReader(archive.GetEntry(TorchServeStoreWriter.RequirementsFile)!.Open()).ReadToEnd(), StringComparison.Ordinal);
            var settings = HandlerSettings.FromJson(new StreamReader(archive.GetEntry(HandlerSettings.FileName)!.Open()).ReadToEnd());
            Assert.All(settings.Files!.Values.Concat(new[] { settings.Labels, settings.Vocabulary, settings.Merges }.OfType<string>()), f => Assert.Contains(f, names));
            Assert.All(new[] { PythonSources.TorchServeHandler, PythonSources.Processing, PythonSources.Generation }, f => Assert.Contains(f, names));
        }
    }

    [Fact]
    public void Config_Properties_Name_Every_Archive_And_The_Chosen_Workers_Queue_And_Batching()
    {
        var properties = JavaProperties(File.ReadAllText(export.PathOf(ServerExport.TorchServeFolder, TorchServeProperties.FileName)));

        Assert.Equal("http://0.0.0.0:8080", properties["inference_address"]);
        Assert.Equal("http://0.0.0.0:8081", properties["management_address"]);
        Assert.Equal("http://0.0.0.0:8082", properties["metrics_address"]);
        Assert.Equal("7070", properties["grpc_inference_port"]);
        Assert.Equal("prometheus", properties["metrics_mode"]);
        Assert.Equal("true", properties["disable_token_authorization"]);
        Assert.Equal("true", properties["install_py_dep_per_model"]);
        Assert.Equal("50", properties["job_queue_size"]);
        Assert.Equal("2", properties["default_workers_per_model"]);
        using var models = JsonDocument.Parse(properties["models"]);
        foreach (var model in export.Models)
        {
            var version = models.RootElement.GetProperty(model.Name).GetProperty(ModelArchive.ModelVersion);
            Assert.True(File.Exists(export.PathOf(ServerExport.TorchServeFolder, TorchServeStoreWriter.StoreFolder, version.GetProperty("marName").GetString()!)));
            Assert.Equal((2, 2, 4, 7), (version.GetProperty("minWorkers").GetInt32(), version.GetProperty("maxWorkers").GetInt32(), version.GetProperty("batchSize").GetInt32(), version.GetProperty("maxBatchDelay").GetInt32()));
        }
    }

    [Fact]
    public void Tf_Serving_Configs_Round_Trip_Through_The_Official_Protos()
    {
        string folder = export.PathOf(ServerExport.TfServingFolder);
        string models = ExternalTool.ProtocRoundTrip("tensorflow.serving.ModelServerConfig", Vendored, "tensorflow_serving/config/model_server_config.proto",
            File.ReadAllText(Path.Combine(folder, TfServingLayoutWriter.ModelsConfig)), TfServingLayoutWriter.ModelsConfig);
        Assert.Equal(export.Models.Select(m => m.Name), Regex.Matches(models, "name: \"([^\"]+)\"").Select(m => m.Groups[1].Value));
        Assert.Equal(export.Models.Select(m => "/models/" + m.Name), Regex.Matches(models, "base_path: \"([^\"]+)\"").Select(m => m.Groups[1].Value));

        string monitoring = ExternalTool.ProtocRoundTrip("tensorflow.serving.MonitoringConfig", Vendored, "tensorflow_serving/config/monitoring_config.proto",
            File.ReadAllText(Path.Combine(folder, TfServingLayoutWriter.MonitoringConfig)), TfServingLayoutWriter.MonitoringConfig);
        Assert.Contains("enable: true", monitoring, StringComparison.Ordinal);

        string batching = ExternalTool.ProtocRoundTrip("tensorflow.serving.BatchingParameters", BatchingParametersExcerpt(), "batching_parameters.proto",
            File.ReadAllText(Path.Combine(folder, TfServingLayoutWriter.BatchingParameters)), TfServingLayoutWriter.BatchingParameters);
        Assert.Contains("max_batch_size {\n  value: 4\n}", batching, StringComparison.Ordinal);
        Assert.Contains("batch_timeout_micros {\n  value: 7000\n}", batching, StringComparison.Ordinal);
        Assert.All(export.Models, m => Assert.Contains($"`{m.Input.Name}`", File.ReadAllText(Path.Combine(folder, m.Name, TfServingLayoutWriter.ReadmeName)), StringComparison.Ordinal));
    }

    [Fact]
    public void The_Handler_And_Tritons_Bart_Model_Serve_Every_Request_Form_With_Stand_Ins_For_The_Servers()
    {
        string work = Directory.CreateTempSubdirectory("servingbench-handler-run-").FullName;
        try
        {
            string fixtures = Path.GetDirectoryName(Path.GetDirectoryName(ServingBench.Payloads.FixtureFiles.GetPath(ServingBench.Payloads.FixtureFiles.CatJpeg)))!;
            Assert.Contains("ok", ExternalTool.RunPython(ExternalTool.RepositoryPath("tests", "ServingBench.Tests", "Export", "Python", "check_handler.py"), export.Folder, fixtures, work), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void The_Export_Says_How_To_Start_The_Servers()
    {
        Assert.Contains($"tools/real-servers.sh up --export {export.Folder}", export.Output, StringComparison.Ordinal);
        Assert.Contains("SavedModel", export.Output, StringComparison.Ordinal);
    }

    private DecodedModelConfig Decode(string model) =>
        DecodedModelConfig.Parse(ExternalTool.ProtocRoundTrip("inference.ModelConfig", Vendored, "model_config.proto",
            File.ReadAllText(export.PathOf(ServerExport.TritonFolder, model, TritonRepositoryWriter.ConfigFileName)), $"{model}/config.pbtxt"));

    /// <summary>
    /// BatchingParameters copied verbatim out of the vendored session_bundle_config.proto into a file of its own: the
    /// rest of that file imports TensorFlow's config.proto tree, which this message does not need.
    /// </summary>
    private string BatchingParametersExcerpt()
    {
        string source = File.ReadAllText(Path.Combine(Vendored, "tensorflow_serving", "servables", "tensorflow", "session_bundle_config.proto"));
        var message = Regex.Match(source, "^message BatchingParameters \\{.*?^\\}", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(message.Success, "session_bundle_config.proto has no BatchingParameters message");
        string folder = Directory.CreateDirectory(export.PathOf("batching-proto")).FullName;
        File.WriteAllText(Path.Combine(folder, "batching_parameters.proto"),
            $"syntax = \"proto3\";\npackage tensorflow.serving;\nimport \"google/protobuf/wrappers.proto\";\n{message.Value}\n");
        return folder;
    }

    /// <summary>key=value lines as java.util.Properties reads these (no continuations are written); '#' starts a comment.</summary>
    private static Dictionary<string, string> JavaProperties(string text)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            Assert.DoesNotContain("\\", line, StringComparison.Ordinal);
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            properties.Add(line[..equals], line[(equals + 1)..]);
        }

        return properties;
    }

    private sealed class TensorComparer : IEqualityComparer<(string Name, long[] Dims)>
    {
        public static readonly TensorComparer Instance = new();

        public bool Equals((string Name, long[] Dims) x, (string Name, long[] Dims) y) => x.Name == y.Name && x.Dims.SequenceEqual(y.Dims);

        public int GetHashCode((string Name, long[] Dims) obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class TensorTypeComparer : IEqualityComparer<(string Name, string DataType, long[] Dims)>
    {
        public static readonly TensorTypeComparer Instance = new();

        public bool Equals((string Name, string DataType, long[] Dims) x, (string Name, string DataType, long[] Dims) y) =>
            x.Name == y.Name && x.DataType == y.DataType && x.Dims.SequenceEqual(y.Dims);

        public int GetHashCode((string Name, string DataType, long[] Dims) obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
