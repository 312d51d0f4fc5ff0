using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using ServingBench.Composition;
using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Models.Processing;
using ServingBench.Payloads.Catalogue;
using ServingBench.Payloads.Audio;
using ServingBench.Payloads.Postprocessing;
using ServingBench.Tests.Models;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Protos.Kserve;

namespace ServingBench.Tests.EndToEnd;

/// <summary>
/// Tiny models behind every emulator: each framework × protocol returns what the in-process engine computes for
/// the same input, files are preprocessed and answered as the stock handlers do, and concurrent requests each get
/// their own answer.
/// </summary>
public sealed class OnnxBackendTests : IAsyncLifetime
{
    private const int Seed = 12345; // same seed, repeatable inputs

    private OnnxBackend _backend = null!;
    private RunningEmulators _servers = null!;
    private ModelSignature _resnet = null!;

    public async Task InitializeAsync()
    {
        _backend = new OnnxBackend(TinyModels.Store, ModelSize.Tiny, workers: 2, intraOpThreads: 1);
        _resnet = _backend.Signature(ModelCatalog.Resnet50.Name);
        var options = new EmulatorOptions
        {
            Backend = _backend,
            Models = [_resnet, _backend.Signature(ModelCatalog.Wav2Vec2.Name), _backend.Signature(ModelCatalog.Bart.Name)],
            TorchServeDefaultHandlers = true,
        };
        _servers = await EmulatedServers.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _servers.DisposeAsync();
        _backend.Dispose();
    }

    public static TheoryData<string> ScenarioNames() => [.. ScenarioCatalog.Scenarios.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Every_Scenario_Answers_What_The_Engine_Computes(string scenarioName)
    {
        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        var (request, expected) = ResNetCase(new Random(Seed), batch: 1);
        using var client = await InferenceClients.ConnectAsync(scenario, _resnet, _servers.Address(scenario.Framework, scenario.Protocol));
        var response = await client.InferAsync(request);
        AssertClose(expected, response.Output(client.Model.Outputs[0].Name).AsSpan<float>());
    }

    [Fact]
    public async Task Concurrent_Requests_Each_Get_Their_Own_Answer()
    {
        var scenario = ScenarioCatalog.TritonGrpcRaw;
        var random = new Random(Seed);
        var cases = Enumerable.Range(0, 12).Select(i => ResNetCase(random, batch: 1 + (i % 3))).ToList();
        using var client = await InferenceClients.ConnectAsync(scenario, _resnet, _servers.Address(scenario.Framework, scenario.Protocol));
        var answers = await Task.WhenAll(cases.Select(c => client.InferAsync(c.Request)));
        for (int i = 0; i < cases.Count; i++)
        {
            AssertClose(cases[i].Expected, answers[i].Output("logits").AsSpan<float>());
        }
    }

    /// <summary>
    /// What `serve --backend onnx` gives the official clients: Triton's gRPC API through classes generated from its
    /// grpc_service.proto (the stubs tritonclient.grpc wraps), and a hand-written KServe v2 JSON body posted as curl
    /// would, both answered with the engine's logits.
    /// </summary>
    [Fact]
    public async Task Official_Proto_Client_And_A_Curl_Style_Json_Post_Get_The_Engine_Output()
    {
        var (request, expected) = ResNetCase(new Random(Seed), batch: 1);
        var input = request.Inputs[0];

        using var channel = GrpcInferenceClient.CreateChannel(_servers.Address(Framework.Triton, Protocol.Grpc));
        var triton = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var grpcRequest = new ModelInferRequest { ModelName = _resnet.Name };
        grpcRequest.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = "FP32", Shape = { input.Shape.ToArray() } });
        grpcRequest.RawInputContents.Add(ByteString.CopyFrom(input.Data.Span));
        var grpcAnswer = await triton.ModelInferAsync(grpcRequest);
        AssertClose(expected, MemoryMarshal.Cast<byte, float>(grpcAnswer.RawOutputContents[0].Span));

        string pixels = string.Join(",", input.AsSpan<float>().ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string body = $$"""{"inputs":[{"name":"{{input.Name}}","shape":[{{string.Join(",", input.Shape.ToArray())}}],"datatype":"FP32","data":[{{pixels}}]}]}""";
        using var http = new HttpClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var answer = await http.PostAsync(new Uri(_servers.Address(Framework.Triton, Protocol.Rest), $"v2/models/{_resnet.Name}/infer"), content);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        float[] logits = [.. json.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle())];
        AssertClose(expected, logits);
    }

    [Fact]
    public async Task Bart_Generates_What_The_Engine_Generates()
    {
        long[] ids = [0, 5, 17, 33, 9, 41, 12, 2];
        var model = TinyModels.Get(ModelKind.Bart);
        using var engine = new OrtBartBackend(model.Directory, Device.Cpu);
        long[] expected = BartGenerator.Generate(engine, ids, GenerationOptions.Fixed(8));

        var scenario = ScenarioCatalog.TfServingRestJsonRow;
        var bart = _backend.Signature(ModelCatalog.Bart.Name);
        using var client = await InferenceClients.ConnectAsync(scenario, bart, _servers.Address(scenario.Framework, scenario.Protocol));
        var response = await client.InferAsync(new InferenceRequest { ModelName = bart.Name, Inputs = [Tensor.FromInt64s("input_ids", [1, ids.Length], ids)] });
        Assert.Equal(expected, response.Output("output_ids").AsSpan<long>().ToArray());
    }

    [Theory]
    [InlineData("torchserve-rest-raw")]
    [InlineData("torchserve-grpc-raw")]
    public async Task Wav_File_Gets_The_Stock_Transcript_Of_The_Model_Output(string scenarioName)
    {
        var payload = PayloadFactory.Get(PayloadKind.Wav2Vec2Audio);
        float[] samples = payload.TensorRequest.Inputs[0].AsSpan<float>().ToArray();
        var model = TinyModels.Get(ModelKind.Wav2Vec2);
        int frames = AudioPreprocessing.LogitFrames(samples.Length);
        using var engine = new OrtSingleTensorModel(model.MainFile, Device.Cpu, samples, [1, samples.Length], [1, frames, 32]);
        engine.Run();
        string expected = CtcDecoder.Decode(engine.Output, frames);

        var scenario = ScenarioCatalog.ParseScenario(scenarioName);
        using var client = await InferenceClients.ConnectAsync(scenario, _backend.Signature(ModelCatalog.Wav2Vec2.Name), _servers.Address(scenario.Framework, scenario.Protocol));
        var response = await client.InferAsync(payload.FileRequest!);
        Assert.True(ModelCatalog.Wav2Vec2.StockAnswer.IsAnswer(response));
        var transcript = response.Output("transcript").GetBytesElements()[0];
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(transcript.Span));
    }

    [Fact]
    public async Task A_Body_The_Handler_Cannot_Read_Is_A_400_Naming_It()
    {
        var scenario = ScenarioCatalog.TorchServeRestRaw;
        using var client = await InferenceClients.ConnectAsync(scenario, _resnet, _servers.Address(scenario.Framework, scenario.Protocol));
        byte[] notJpeg = [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3, 4, 5];
        var request = new InferenceRequest { ModelName = _resnet.Name, Inputs = [Tensor.FromBytesElements("data", [1], [notJpeg])] };
        var error = await Assert.ThrowsAsync<ServingException>(() => client.InferAsync(request));
        Assert.True(error.HttpStatus >= 400, $"status {error.HttpStatus}");
        Assert.Contains("JPEG", error.ServerMessage, StringComparison.Ordinal);
    }

    /// <summary>A seeded image batch for the tiny ResNet50 and the logits the in-process engine computes for it.</summary>
    private (InferenceRequest Request, float[] Expected) ResNetCase(Random random, int batch)
    {
        long[] shape = [batch, .. _resnet.Inputs[0].Shape[1..]];
        var pixels = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((random.NextDouble() * 2) - 1);
        }

        long classes = _resnet.Outputs[0].Shape[1];
        using var engine = new OrtSingleTensorModel(TinyModels.Get(ModelKind.ResNet50).MainFile, Device.Cpu, pixels, shape, [batch, classes]);
        engine.Run();
        var request = new InferenceRequest { ModelName = _resnet.Name, Inputs = [Tensor.FromFloats("pixel_values", shape, pixels)] };
        return (request, engine.Output.ToArray());
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"element {i}: {actual[i]} != {expected[i]}");
        }
    }
}
