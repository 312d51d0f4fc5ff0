using System.Buffers;
using ServingBench.Wire.Codecs;

namespace ServingBench.Tests.Rest;

/// <summary>Models, tensors and helpers shared by the REST codec tests.</summary>
internal static class RestFixtures
{
    public const int Seed = 12345; // same seed, repeatable results

    /// <summary>The tiny model of the golden vectors: x FP32 in, x FP32 out.</summary>
    public static readonly ModelSignature Tiny = new(
        "m",
        [new TensorSpec("x", DataType.FP32, [-1, -1])],
        [new TensorSpec("x", DataType.FP32, [-1, -1])]);

    /// <summary>The golden tensor: FP32 [2,2] = 1, 2.5, −3, 0.1.</summary>
    public static Tensor TinyTensor() => Tensor.FromFloats("x", [2, 2], [1f, 2.5f, -3f, 0.1f]);

    public static InferenceRequest TinyRequest() => new() { ModelName = "m", Inputs = [TinyTensor()] };

    public static InferenceResponse TinyResponse() => new() { ModelName = "m", ModelVersion = "1", Outputs = [TinyTensor()] };

    /// <summary>An integer-id model: input_ids Int64 in, output_ids Int64 out.</summary>
    public static readonly ModelSignature Ids = new(
        "ids",
        [new TensorSpec("input_ids", DataType.Int64, [-1, -1])],
        [new TensorSpec("output_ids", DataType.Int64, [-1, -1])]);

    public static readonly Scenario[] RestScenarios =
    [
        ScenarioCatalog.TfServingRestJsonRow,
        ScenarioCatalog.TfServingRestJsonCol,
        ScenarioCatalog.TritonRestJson,
        ScenarioCatalog.TritonRestBinary,
        ScenarioCatalog.TorchServeRestJson,
        ScenarioCatalog.TorchServeRestRaw,
    ];

    public static TheoryData<string> ScenarioNames()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in RestScenarios)
        {
            data.Add(scenario.Name);
        }

        return data;
    }

    public static Scenario ByName(string name) => RestScenarios.Single(s => s.Name == name);

    public static IWireCodec Codec(string scenario, ModelSignature model) => WireCodecs.Create(ByName(scenario), model);

    public static (byte[] Body, WireContent Content) Encode(Func<IBufferWriter<byte>, WireContent> encode)
    {
        var writer = new ArrayBufferWriter<byte>();
        var content = encode(writer);
        return (writer.WrittenSpan.ToArray(), content);
    }

    public static string BodyText(byte[] body) => System.Text.Encoding.UTF8.GetString(body);

    /// <summary>Seeded finite floats drawn from random bit patterns (subnormals and extremes included), no −0.</summary>
    public static float[] RandomFloats(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            float f;
            do
            {
                f = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
            }
            while (!float.IsFinite(f) || BitConverter.SingleToInt32Bits(f) == int.MinValue);

            values[i] = f;
        }

        values[0] = 0.1f;
        if (count > 3)
        {
            values[1] = float.MaxValue;
            values[2] = float.Epsilon;
            values[3] = 16777217f;
        }

        return values;
    }

    public static long[] RandomInt64s(int count, int seed)
    {
        var random = new Random(seed);
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextInt64(long.MinValue, long.MaxValue);
        }

        values[0] = long.MinValue;
        if (count > 2)
        {
            values[1] = long.MaxValue;
            values[2] = 0;
        }

        return values;
    }

    public static void AssertSameTensors(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(
                expected[i].ContentEquals(actual[i]),
                $"tensor {i}: expected {expected[i]}, got {actual[i]}; bytes equal: {expected[i].Data.Span.SequenceEqual(actual[i].Data.Span)}");
        }
    }

    /// <summary>Runs a decode that may fail only with <see cref="WireFormatException"/>.</summary>
    public static bool DecodesOrRejects(Action decode)
    {
        try
        {
            decode();
            return true;
        }
        catch (WireFormatException)
        {
            return false;
        }
    }
}
