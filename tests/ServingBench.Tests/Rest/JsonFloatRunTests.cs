using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using static ServingBench.Tests.Rest.RestFixtures;

namespace ServingBench.Tests.Rest;

/// <summary>
/// The JSON readers take runs of float32 elements 64 bytes at a time (commas and digits found at once, each element
/// in the short form read where its comma is) and fall back to one element at a time for anything else. Random runs
/// that mix every form must decode to what float.Parse gives each token, and a bad token inside a run must still be
/// refused, wherever in a window it falls.
/// </summary>
public class JsonFloatRunTests
{
    private const int Elements = 3_000;

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Triton_Data_Of_Mixed_Forms_Decodes_As_Float_Parse_Reads_Each_Token(int seed)
    {
        string[] tokens = MixedTokens(new Random(seed), Elements);
        string body = $"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[1,{tokens.Length}],\"datatype\":\"FP32\",\"data\":[{Join(tokens, new Random(seed))}]}}]}}";
        AssertDecodesAs(ScenarioCatalog.TritonRestJson.Name, body, tokens);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TfServing_Rows_Of_Mixed_Forms_Decode_As_Float_Parse_Reads_Each_Token(int seed)
    {
        const int RowLength = 224; // a row of an image: row ends fall at every position of a window
        var random = new Random(seed);
        string[] tokens = MixedTokens(random, RowLength * 12);
        var rows = tokens.Chunk(RowLength).Select(row => $"[{Join(row, random)}]");
        AssertDecodesAs(ScenarioCatalog.TfServingRestJsonRow.Name, $"{{\"instances\":[{string.Join(",", rows)}]}}", tokens);
    }

    [Theory]
    [InlineData("0.1234x5")]
    [InlineData("0.12.5")]
    [InlineData("--0.5")]
    [InlineData("0.5e")]
    [InlineData("-")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("00.5")]
    public void A_Bad_Token_Inside_A_Run_Is_Refused_Wherever_It_Falls(string bad)
    {
        var random = new Random(99);
        for (int at = 0; at < 70; at++)
        {
            string[] tokens = [.. Enumerable.Range(0, 200).Select(_ => ShortToken(random))];
            tokens[at + 20] = bad;
            string body = $"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[1,{tokens.Length}],\"datatype\":\"FP32\",\"data\":[{string.Join(",", tokens)}]}}]}}";
            var codec = Codec(ScenarioCatalog.TritonRestJson.Name, Tiny);
            var content = Encode(w => codec.EncodeRequest(TinyRequest(), w)).Content;
            Assert.Throws<WireFormatException>(() => codec.DecodeRequest(System.Text.Encoding.ASCII.GetBytes(body), content));
        }
    }

    private static void AssertDecodesAs(string scenario, string body, string[] tokens)
    {
        var codec = Codec(scenario, Tiny);
        var content = Encode(w => codec.EncodeRequest(TinyRequest(), w)).Content;
        var decoded = MemoryMarshal.Cast<byte, float>(codec.DecodeRequest(System.Text.Encoding.ASCII.GetBytes(body), content).Inputs[0].Data.Span);
        Assert.Equal(tokens.Length, decoded.Length);
        for (int i = 0; i < tokens.Length; i++)
        {
            float expected = float.Parse(tokens[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(
                BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(decoded[i]),
                $"element {i} '{tokens[i]}': decoded {decoded[i]:R}, float.Parse {expected:R}");
        }
    }

    // Mostly the short form (as in a real tensor), with every other form JSON allows mixed in.
    private static string[] MixedTokens(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => random.Next(10) switch
        {
            0 => LongToken(random),
            1 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
            2 => ((float)(random.NextDouble() * 2e5)).ToString("E6", CultureInfo.InvariantCulture).Replace("E+0", "e", StringComparison.Ordinal),
            3 => (random.NextDouble() * 500).ToString("0.0###", CultureInfo.InvariantCulture),
            4 => random.Next(2) == 0 ? "-0.0" : "0.0",
            _ => ShortToken(random),
        })];

    // '-'? digit '.' 1–13 digits: what tensor writers print for values under ten.
    private static string ShortToken(Random random)
    {
        var text = new StringBuilder(random.Next(2) == 0 ? "-" : string.Empty);
        text.Append((char)('0' + random.Next(10))).Append('.');
        int digits = random.Next(1, 14);
        for (int d = 0; d < digits; d++)
        {
            text.Append((char)('0' + random.Next(10)));
        }

        return text.ToString();
    }

    // 14 to 24 fraction digits: longer than the short form takes.
    private static string LongToken(Random random)
    {
        var text = new StringBuilder("0.");
        int digits = random.Next(14, 25);
        for (int d = 0; d < digits; d++)
        {
            text.Append((char)('0' + random.Next(10)));
        }

        return text.ToString();
    }

    // Commas, with whitespace after one in fifty (JSON allows it; no writer of tensors puts it there).
    private static string Join(IEnumerable<string> tokens, Random random) =>
        string.Concat(tokens.Select((token, i) => (i == 0 ? string.Empty : random.Next(50) == 0 ? ", " : ",") + token));
}
