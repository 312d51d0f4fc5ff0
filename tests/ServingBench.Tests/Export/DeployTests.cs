using ServingBench.Config;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServingBench.Export.TorchServe;
using ServingBench.Verbs;

namespace ServingBench.Tests.Export;

/// <summary>
/// deploy/compose.yaml as Debian's docker-compose reads it (no engine needed for <c>config</c>), and the load workers'
/// Dockerfile against deploy/load-workers.yaml. Neither image is built or run here: no Docker engine is reachable.
/// </summary>
public sealed class DeployTests() : TemporaryFolderTest("servingbench-deploy-")
{
    [Fact]
    public void Compose_Parses_And_Runs_The_Official_Images_On_Loopback_With_Health_Checks_And_Metrics()
    {
        var services = ComposeConfig("deploy/compose.yaml").GetProperty("services");

        Assert.Equal(["tfserving", "torchserve", "triton"], services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("nvcr.io/nvidia/tritonserver:26.07-py3", services.GetProperty("triton").GetProperty("image").GetString());
        Assert.Equal($"pytorch/torchserve:{ModelArchive.ArchiverVersion}-cpu", services.GetProperty("torchserve").GetProperty("image").GetString());
        Assert.Equal("tensorflow/serving:2.20.0", services.GetProperty("tfserving").GetProperty("image").GetString());
        Assert.Equal(["8000", "8001", "8002"], Ports(services, "triton"));
        Assert.Equal(["7070", "8080", "8081", "8082"], Ports(services, "torchserve"));
        Assert.Equal(["8500", "8501"], Ports(services, "tfserving"));
        foreach (var service in services.EnumerateObject())
        {
            Assert.All(service.Value.GetProperty("ports").EnumerateArray(), p => Assert.StartsWith("127.0.0.1:", p.GetString(), StringComparison.Ordinal));
            Assert.Equal("CMD", service.Value.GetProperty("healthcheck").GetProperty("test")[0].GetString());
            Assert.All(service.Value.GetProperty("volumes").EnumerateArray(), v => Assert.StartsWith(Path.Combine(Folder, "export", service.Name), v.GetString(), StringComparison.Ordinal));
        }

        Assert.Contains("--monitoring_config_file=/models/monitoring.config", services.GetProperty("tfserving").GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("--model-repository=/models", services.GetProperty("triton").GetProperty("command").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void The_Pinned_Releases_Are_Those_Whose_Schemas_Are_Vendored()
    {
        string vendored = File.ReadAllText(ExternalTool.RepositoryPath("protos", "README.md"));

        Assert.Contains("branch r26.07", vendored, StringComparison.Ordinal);
        Assert.Contains("`tensorflow/serving:2.20.0`", vendored, StringComparison.Ordinal);
        Assert.Contains("tag 2.20.0", vendored, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Gpu_Overlay_Parses_And_Gives_Triton_The_Gpus()
    {
        var triton = ComposeConfig("deploy/compose.yaml", "deploy/compose.gpu.yaml").GetProperty("services").GetProperty("triton");

        var device = triton.GetProperty("deploy").GetProperty("resources").GetProperty("reservations").GetProperty("devices")[0];
        Assert.Equal("nvidia", device.GetProperty("driver").GetString());
    }

    [Fact]
    public void The_Printed_Lines_Are_The_Variables_The_Suite_Reads_At_The_Emulators_Ports()
    {
        var (exit, output, error) = ExternalTool.Run("bash", [ExternalTool.RepositoryPath("tools", "real-servers.sh"), "env", "--host", "gpu-box"]);

        Assert.True(exit == 0, error);
        var expected = new Dictionary<string, string>
        {
            [ServerTargets.AddressVariable(Framework.Triton, Protocol.Rest)] = $"http://gpu-box:{ServingBench.Emulators.Triton.TritonEmulator.DefaultHttpPort}",
            [ServerTargets.AddressVariable(Framework.Triton, Protocol.Grpc)] = $"http://gpu-box:{ServingBench.Emulators.Triton.TritonEmulator.DefaultGrpcPort}",
            [ServerTargets.AddressVariable(Framework.TorchServe, Protocol.Rest)] = $"http://gpu-box:{ServingBench.Emulators.TorchServe.TorchServeEmulator.DefaultRestPort}",
            [ServerTargets.AddressVariable(Framework.TorchServe, Protocol.Grpc)] = $"http://gpu-box:{ServingBench.Emulators.TorchServe.TorchServeEmulator.DefaultGrpcPort}",
            [ServerTargets.AddressVariable(Framework.TfServing, Protocol.Rest)] = $"http://gpu-box:{ServingBench.Emulators.TfServing.TfServingEmulator.DefaultRestPort}",
            [ServerTargets.AddressVariable(Framework.TfServing, Protocol.Grpc)] = $"http://gpu-box:{ServingBench.Emulators.TfServing.TfServingEmulator.DefaultGrpcPort}",
        };
        Assert.Equal(expected, ExportLines(output));
    }

    [Fact]
    public void Up_Starts_What_Has_Something_To_Serve_Waits_For_Every_Model_And_Prints_Its_Lines()
    {
        string export = TinyExportFolder(batching: true);
        var (exit, output, error) = RunWithStubs(["up", "--export", export, "--timeout", "30"], notReady: "");

        Assert.True(exit == 0, error + output);
        string compose = File.ReadAllText(Path.Combine(Folder, "docker.log"));
        Assert.Contains("up -d triton torchserve", compose, StringComparison.Ordinal);
        Assert.Contains("TFSERVING_ENABLE_BATCHING=true", compose, StringComparison.Ordinal);
        Assert.Contains("tfserving: not started: no SavedModel", output, StringComparison.Ordinal);
        foreach (string model in new[] { "triton/resnet50", "triton/bart", "triton/bart_decoder_with_past", "torchserve/bart" })
        {
            Assert.Contains($"ready: {model}", output, StringComparison.Ordinal);
        }

        Assert.Equal(
            [ServerTargets.AddressVariable(Framework.Triton, Protocol.Rest), ServerTargets.AddressVariable(Framework.Triton, Protocol.Grpc),
             ServerTargets.AddressVariable(Framework.TorchServe, Protocol.Rest), ServerTargets.AddressVariable(Framework.TorchServe, Protocol.Grpc)],
            ExportLines(output).Keys);
    }

    [Fact]
    public void Up_Names_A_Model_That_Never_Becomes_Ready()
    {
        string export = TinyExportFolder(batching: false);
        var (exit, _, error) = RunWithStubs(["up", "--export", export, "--timeout", "1"], notReady: "wav2vec2");

        Assert.Equal(1, exit);
        Assert.Contains("not ready after 1s: triton/wav2vec2 torchserve/wav2vec2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Manifest_Runs_The_Image_The_Dockerfile_Builds_And_Its_Arguments_Parse()
    {
        string dockerfile = File.ReadAllText(ExternalTool.RepositoryPath("Dockerfile"));
        var stages = Regex.Matches(dockerfile, "^FROM (\\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"], stages);
        Assert.Contains("dotnet publish benchmarks/ServingBench/ServingBench.csproj -c Release -o /app", dockerfile, StringComparison.Ordinal);
        string image = Regex.Match(dockerfile, "docker build -t (\\S+) \\.").Groups[1].Value;
        string entryPoint = JsonSerializer.Deserialize<string[]>(Regex.Match(dockerfile, "^ENTRYPOINT (.+)$", RegexOptions.Multiline).Groups[1].Value)!.Single();

        var job = Yaml(ExternalTool.RepositoryPath("deploy", "load-workers.yaml"));
        var container = job.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        Assert.Equal(image, container.GetProperty("image").GetString());
        Assert.Equal(["/bin/sh", "-c"], container.GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        string script = container.GetProperty("args")[0].GetString()!;
        Assert.DoesNotContain("dotnet run", script, StringComparison.Ordinal);

        // The shell's view of the line, with the Job's variables as pod 0 of 4 sees them.
        var environment = container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);
        environment["JOB_COMPLETION_INDEX"] = "0";
        environment["START_AT"] = "2030-01-01T00:00:00Z";
        string[] words = ShellWords(Regex.Replace(script, "\\$\\{(\\w+)\\}", m => environment[m.Groups[1].Value]));
        Assert.Equal(["exec", entryPoint], words[..2]);
        Assert.Equal(job.GetProperty("spec").GetProperty("completions").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), environment["WORKERS"]);
        var parse = AppVerbs.Create().Parse(words[2..]);
        Assert.Empty(parse.Errors);
        Assert.Equal("load", parse.CommandResult.Command.Name);
    }

    [Fact]
    public void The_Image_Build_Leaves_Out_Build_Outputs_Models_And_Results()
    {
        var ignored = File.ReadAllLines(ExternalTool.RepositoryPath(".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", "models/", "results/", ".git/" }, ignored.ToHashSet());
    }

    private static string[] Ports(JsonElement services, string service) =>
        [.. services.GetProperty(service).GetProperty("ports").EnumerateArray().Select(p => p.GetString()!.Split(':')[1]).Order(StringComparer.Ordinal)];

    /// <summary>docker-compose config (the file as Compose resolves it), read back as JSON through Debian's python3-yaml.</summary>
    private JsonElement ComposeConfig(params string[] files)
    {
        var (exit, output, error) = ExternalTool.Run("docker-compose", [.. files.SelectMany(f => new[] { "-f", ExternalTool.RepositoryPath(f) }), "config"],
            environment: new Dictionary<string, string> { ["SERVINGBENCH_EXPORT"] = Path.Combine(Folder, "export") });
        Assert.True(exit == 0, $"docker-compose config failed:\n{error}");
        string resolved = Path.Combine(Folder, "compose-resolved.yaml");
        File.WriteAllText(resolved, output);
        return Yaml(resolved);
    }

    private static JsonElement Yaml(string path)
    {
        var (exit, output, error) = ExternalTool.Run(ExternalTool.Python, ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path]);
        Assert.True(exit == 0, $"{path} is not YAML python3-yaml reads:\n{error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static Dictionary<string, string> ExportLines(string output) =>
        Regex.Matches(output, "^export (SERVINGBENCH_\\w+)=(\\S+)$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>Words as sh splits this line: whitespace apart, double quotes grouping (no other quoting is used).</summary>
    private static string[] ShellWords(string line) =>
        [.. Regex.Matches(line, "\"([^\"]*)\"|(\\S+)").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)];

    /// <summary>A tiny export (Triton and TorchServe, no SavedModel) made by the verb.</summary>
    private string TinyExportFolder(bool batching)
    {
        string export = Path.Combine(Folder, "export");
        var root = new System.CommandLine.RootCommand { ModelsVerb.Create(() => new ServingBench.Models.Store.ModelStore(Path.Combine(Folder, "models"))) };
        string[] args = ["models", "export", "--tiny", "--output", export, .. batching ? new[] { "--dynamic-batching" } : []];
        using var quiet = new StringWriter();
        Assert.Equal(0, root.Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = quiet, Error = quiet }));
        return export;
    }

    /// <summary>
    /// tools/real-servers.sh with docker and curl replaced by stubs on PATH: docker answers info and compose and logs
    /// each call (with the TF Serving batching variables) to docker.log; curl answers every readiness URL as ready
    /// except those naming <paramref name="notReady"/>.
    /// </summary>
    private (int Exit, string Output, string Error) RunWithStubs(string[] arguments, string notReady)
    {
        string bin = Directory.CreateDirectory(Path.Combine(Folder, "bin")).FullName;
        string log = Path.Combine(Folder, "docker.log");
        File.WriteAllText(Path.Combine(bin, "docker"),
            $"#!/bin/bash\necho \"TFSERVING_ENABLE_BATCHING=${{TFSERVING_ENABLE_BATCHING:-}} $*\" >> '{log}'\nexit 0\n");
        File.WriteAllText(Path.Combine(bin, "curl"), $$"""
            #!/bin/bash
            url="${@: -1}"
            [[ -n "{{notReady}}" && $url == *"{{notReady}}"* ]] && exit 22
            case $url in
              *:8081/models/*) echo '[{"workers": [{"id": "9000", "status": "READY"}]}]' ;;
              *:8501/v1/models/*) echo '{"model_version_status": [{"state": "AVAILABLE"}]}' ;;
            esac
            exit 0
            """.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal(0, ExternalTool.Run("chmod", ["+x", Path.Combine(bin, "docker"), Path.Combine(bin, "curl")]).Exit);

        return ExternalTool.Run("bash", [ExternalTool.RepositoryPath("tools", "real-servers.sh"), .. arguments],
            environment: new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" });
    }
}
