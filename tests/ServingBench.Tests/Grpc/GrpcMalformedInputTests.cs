using ServingBench.Wire.Codecs;
using static ServingBench.Tests.Grpc.GrpcTestData;

namespace ServingBench.Tests.Grpc;

/// <summary>Bad bodies raise WireFormatException naming the problem, and nothing else escapes.</summary>
public class GrpcMalformedInputTests
{
    // Same seed, repeatable cases.
    private const int Seed = 12345;

    public static TheoryData<string> Scenarios => new() { "tfserving-grpc-typed", "tfserving-grpc-raw", "triton-grpc-typed", "triton-grpc-raw", "torchserve-grpc-raw" };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_Truncation_Fails_Cleanly(string scenario)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        foreach (var (body, decode) in Bodies(codec))
        {
            for (int length = 0; length < body.Length; length++)
            {
                AssertOnlyWireFormatException(() => decode(body.AsMemory(0, length)), $"{scenario} prefix {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Random_And_Mutated_Bytes_Fail_Cleanly(string scenario)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        var random = new Random(Seed);
        foreach (var (body, decode) in Bodies(codec))
        {
            for (int i = 0; i < 2000; i++)
            {
                var noise = new byte[random.Next(0, 120)];
                random.NextBytes(noise);
                AssertOnlyWireFormatException(() => decode(noise), $"{scenario} random {i}");

                var mutated = (byte[])body.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                AssertOnlyWireFormatException(() => decode(mutated), $"{scenario} mutation {i}");
            }
        }
    }

    [Theory]
    [InlineData("tfserving-grpc-raw", "08 01", "model_spec")]                 // model_spec as a varint
    [InlineData("tfserving-grpc-raw", "0A 01 6D", "truncated")]               // model_spec says 1 byte, then a bare tag
    [InlineData("tfserving-grpc-raw", "0A FF FF FF FF 0F", "past the end")]   // absurd length
    [InlineData("tfserving-grpc-raw", "0A 00", "model_spec.name")]            // empty model spec
    [InlineData("tfserving-grpc-raw", "0A 03 0A 01 6D", "no inputs")]
    [InlineData("tfserving-grpc-raw", "0A 03 0A 01 6D 12 07 0A 01 78 12 02 08 63", "dtype 99")] // unknown dtype
    [InlineData("tfserving-grpc-raw", "0A 03 0A 01 6D 12 0A 0A 01 78 12 05 08 01 2D 00 00", "fixed32")] // fixed32 float_val cut short
    [InlineData("tfserving-grpc-raw", "FF FF FF FF FF FF FF FF FF FF FF", "varint")] // over-long varint
    // inputs { key "x", value { dtype DT_FLOAT, tensor_shape { dim { size 3 } }, float_val: 4 values } }
    [InlineData("tfserving-grpc-typed", "0A 03 0A 01 6D 12 1F 0A 01 78 12 1A 08 01 12 04 12 02 08 03 2A 10 0000803F 00002040 000040C0 CDCCCC3D", "3 elements but 4 values")]
    [InlineData("triton-grpc-raw", "0A 01 6D 2A 08 0A 01 78 12 03 46 50 31", "datatype 'FP1'")]
    [InlineData("triton-grpc-raw", "0A 01 6D 38 01", "raw_input_contents")]   // raw_input_contents as a varint
    [InlineData("triton-grpc-raw", "2A 0B 0A 01 78 12 04 46 50 33 32 1A 00", "model_name")]
    // inputs { name "x", datatype "FP32", shape [1], contents { int64_contents [1] } }
    [InlineData("triton-grpc-typed", "0A 01 6D 2A 11 0A 01 78 12 04 46 50 33 32 1A 01 01 2A 03 1A 01 01", "InferTensorContents field 3")]
    [InlineData("torchserve-grpc-raw", "0A 01 6D", "no 'data' entry")]
    [InlineData("torchserve-grpc-raw", "0A 01 6D 1A 05 0A 03 69 6D 67", "keys: img")]
    public void Handmade_Bad_Requests_Name_The_Problem(string scenario, string hex, string expected)
    {
        var codec = Codec(ScenarioCatalog.ParseScenario(scenario));
        AssertRefused(codec, Hex(hex), expected);
    }

    [Fact]
    public void Triton_Raw_Count_Must_Match_Inputs()
    {
        var codec = Codec(ScenarioCatalog.TritonGrpcRaw);
        var body = EncodeRequest(codec, Request(Golden())).Concat(Hex("3A 00")).ToArray();
        AssertRefused(codec, body, "2 raw_input_contents entries for 1 tensors");
    }

    [Fact]
    public void Triton_Raw_Size_Must_Match_Shape()
    {
        var codec = Codec(ScenarioCatalog.TritonGrpcRaw);
        var body = EncodeRequest(codec, Request(Golden()));
        body[^17] = 0x0F; // raw_input_contents length 16 → 15, so the message ends one byte early...
        var shortened = body[..^1];
        AssertRefused(codec, shortened, "needs 16 bytes, got 15");
    }

    [Fact]
    public void Triton_Rejects_Contents_Mixed_With_Raw()
    {
        var typed = Codec(ScenarioCatalog.TritonGrpcTyped);
        var body = EncodeRequest(typed, Request(Golden())).Concat(Hex("3A 10")).Concat(Golden().Data.ToArray()).ToArray();
        AssertRefused(typed, body, "sets contents while raw_input_contents is used");
    }

    [Fact]
    public void TfServing_Rejects_Content_Mixed_With_Typed_Values()
    {
        var codec = Codec(ScenarioCatalog.TfServingGrpcTyped);
        // A tensor with both tensor_content (22) and an unpacked float_val (5, fixed32 = 2D).
        var tensor = new List<byte>(Hex("08 01 12 08 12 02 08 02 12 02 08 02 22 10"));
        tensor.AddRange(Golden().Data.ToArray());
        tensor.AddRange(Hex("2D 00 00 80 3F"));
        var request = new List<byte>(Hex("0A 03 0A 01 6D 12"));
        request.Add((byte)(3 + 2 + tensor.Count));
        request.AddRange(Hex("0A 01 78 12"));
        request.Add((byte)tensor.Count);
        request.AddRange(tensor);
        AssertRefused(codec, request.ToArray(), "both tensor_content and float_val");
    }

    [Fact]
    public void Unknown_Fields_Are_Skipped()
    {
        var codec = Codec(ScenarioCatalog.TritonGrpcRaw);
        // Unknown fields 15 (varint), 16 (LEN), 17 (fixed64), 18 (fixed32) and a group 19 before a valid request.
        var prefix = Hex("78 96 01  82 01 02 AA BB  89 01 0102030405060708  95 01 01020304  9B 01 08 01 9C 01");
        var body = prefix.Concat(EncodeRequest(codec, Request(Golden()))).ToArray();
        Assert.True(Golden().ContentEquals(codec.DecodeRequest(body, WireContent.Protobuf).Inputs[0]));
    }

    private static IEnumerable<(byte[] Body, Action<ReadOnlyMemory<byte>> Decode)> Bodies(IWireCodec codec)
    {
        bool torchServe = codec.Scenario.Framework == Framework.TorchServe;
        var request = torchServe ? Request(Golden()) : Request([.. Each("in")]);
        yield return (EncodeRequest(codec, request), body => codec.DecodeRequest(body, WireContent.Protobuf));
        var response = torchServe ? Response(Golden("y")) : Response([.. Each("out")]);
        yield return (EncodeResponse(codec, response), body => codec.DecodeResponse(body, WireContent.Protobuf));
    }

    /// <summary>The codec refuses the request body with a <see cref="WireFormatException"/> whose message names the problem.</summary>
    private static void AssertRefused(IWireCodec codec, byte[] body, string expected)
    {
        var error = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(body, WireContent.Protobuf));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static void AssertOnlyWireFormatException(Action action, string what)
    {
        var error = Record.Exception(action);
        if (error is not null and not WireFormatException)
        {
            Assert.Fail($"{what}: {error.GetType().Name} escaped: {error}");
        }
    }
}
