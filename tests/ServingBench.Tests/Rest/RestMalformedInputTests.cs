using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Codecs;
using static ServingBench.Tests.Rest.RestFixtures;

namespace ServingBench.Tests.Rest;

/// <summary>Bad bodies raise <see cref="WireFormatException"/> naming the problem: nothing else escapes, nothing hangs.</summary>
public class RestMalformedInputTests
{
    public static TheoryData<string> Scenarios() => ScenarioNames();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_Truncated_Body_Is_Rejected(string scenario)
    {
        var codec = Codec(scenario, Tiny);
        bool rawRequest = ByName(scenario) == ScenarioCatalog.TorchServeRestRaw;
        var (request, requestContent) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        var (response, responseContent) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
        for (int length = 0; length < request.Length; length++)
        {
            var prefix = request.AsMemory(0, length);
            bool decoded = DecodesOrRejects(() => codec.DecodeRequest(prefix, requestContent));

            // A raw tensor body cut at an element boundary is still a (smaller) tensor.
            Assert.True(!decoded || (rawRequest && length % 4 == 0 && length > 0), $"request prefix of {length} bytes was accepted");
        }

        for (int length = 0; length < response.Length; length++)
        {
            var prefix = response.AsMemory(0, length);
            Assert.False(DecodesOrRejects(() => codec.DecodeResponse(prefix, responseContent)), $"response prefix of {length} bytes was accepted");
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Random_And_Mutated_Bodies_Raise_Only_WireFormatException(string scenario)
    {
        var codec = Codec(scenario, Tiny);
        var random = new Random(Seed);
        var (request, requestContent) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        var (response, responseContent) = Encode(w => codec.EncodeResponse(TinyResponse(), w));
        byte[] alphabet = "{}[]\":,.-+eE0123456789 \n\\abfnrtuNaInfinity"u8.ToArray();
        for (int i = 0; i < 1500; i++)
        {
            var noise = new byte[random.Next(0, 48)];
            for (int j = 0; j < noise.Length; j++)
            {
                noise[j] = i % 2 == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            DecodesOrRejects(() => codec.DecodeRequest(noise, requestContent));
            DecodesOrRejects(() => codec.DecodeResponse(noise, responseContent));
            DecodesOrRejects(() => codec.DecodeRequest(noise, WireContent.Json));

            var mutatedRequest = Mutate(request, random, alphabet);
            var mutatedResponse = Mutate(response, random, alphabet);
            DecodesOrRejects(() => codec.DecodeRequest(mutatedRequest, requestContent));
            DecodesOrRejects(() => codec.DecodeResponse(mutatedResponse, responseContent));
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Deep_Nesting_Is_Rejected_Without_Recursing(string scenario)
    {
        var codec = Codec(scenario, Tiny);
        string deep = new('[', 200_000);
        string[] bodies =
        [
            deep,
            "{\"instances\":" + deep,
            "{\"inputs\":" + deep,
            "{\"data\":" + deep,
            "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":" + deep,
            "{\"inputs\":[{\"data\":" + deep,
            "{\"instances\":[{\"x\":" + deep,
            string.Concat(Enumerable.Repeat("{\"a\":", 100_000)),
        ];
        foreach (var text in bodies)
        {
            var body = System.Text.Encoding.UTF8.GetBytes(text);
            // A raw TorchServe request body is tensor bytes, whatever they look like.
            bool rawRequest = ByName(scenario) == ScenarioCatalog.TorchServeRestRaw;
            Assert.False(DecodesOrRejects(() => codec.DecodeRequest(body, WireContent.Json)) && !rawRequest);
            Assert.False(DecodesOrRejects(() => codec.DecodeResponse(body, WireContent.Json)));
        }
    }

    [Theory]
    [InlineData("tfserving-rest-json-row", "{}", "missing 'inputs' or 'instances'")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[1]],"inputs":[[1]]}""", "only one of")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[1,2],[3]]}""", "ragged")]
    [InlineData("tfserving-rest-json-row", """{"instances":[1,[2]]}""", "nesting level")]
    [InlineData("tfserving-rest-json-row", """{"instances":[["a",1]]}""", "expected a number, found a string")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[true]]}""", "expected a number, found a boolean")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[1,2,]]}""", "invalid JSON")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[1 2]]}""", "invalid JSON")]
    [InlineData("tfserving-rest-json-row", """{"instances":{"x":1}}""", "must be a list")]
    [InlineData("tfserving-rest-json-row", """{"instances":[{"y":[1]}]}""", "no tensor named 'y'")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[1]]} x""", "after the JSON value")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[1e999999]]}""", "out of range")]
    [InlineData("tfserving-rest-json-row", """{"instances":[[16777216]]}""", "without loss of precision")]
    [InlineData("tfserving-rest-json-col", """{"inputs":{"x":[[1]],"x":[[2]]}}""", "twice")]
    [InlineData("tfserving-rest-json-col", """{"inputs":[1,2,3]}""", "the model expects")]
    [InlineData("tfserving-rest-json-col", """{"signature_name":5,"inputs":[[1]]}""", "'signature_name' must be a string")]
    [InlineData("tfserving-rest-json-col", "{\"signature_name\":\"\u0001\",\"inputs\":[[1]]}", "control character")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[2],"datatype":"FP33","data":[1,2]}]}""", "unknown datatype 'FP33'")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[1,2,3]}]}""", "needs 4 elements, 'data' has 3")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1,2]}]}""", "more data elements")]
    [InlineData("triton-rest-json", """{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}""", "no 'name'")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}""", "no 'shape'")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"data":[1]}]}""", "no 'datatype'")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32"}]}""", "neither 'data' nor binary_data_size")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"FP16","data":[1]}]}""", "FP16")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"INT64","data":[1.5]}]}""", "fraction or exponent")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"INT8","data":[300]}]}""", "out of range")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[NaN]}]}""", "expected a number")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[-1],"datatype":"FP32","data":[]}]}""", "negative dimension")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[99999999999,99999999999],"datatype":"FP32","data":[1]}]}""", "")]
    [InlineData("triton-rest-json", """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":4}}]}""", "exceeds the 0 bytes")]
    [InlineData("triton-rest-json", """{"outputs":[]}""", "no 'inputs'")]
    [InlineData("triton-rest-json", """{"inputs":{}}""", "must be a list")]
    [InlineData("torchserve-rest-json", """{"x":[1]}""", "no 'data'")]
    [InlineData("torchserve-rest-json", """{"data":[[1,2],[3]]}""", "ragged")]
    [InlineData("torchserve-rest-json", """{"data":[1,2]}""", "the model expects")]
    public void Malformed_Request_Names_The_Problem(string scenario, string body, string fragment)
    {
        var codec = Codec(scenario, Tiny);
        var ex = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(System.Text.Encoding.UTF8.GetBytes(body), WireContent.Json));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TfServing_Int64_Model_Rejects_Floats_And_NaN()
    {
        var codec = Codec("tfserving-rest-json-row", Ids);
        Assert.Throws<WireFormatException>(() => codec.DecodeRequest("""{"instances":[[1.5]]}"""u8.ToArray(), WireContent.Json));
        Assert.Throws<WireFormatException>(() => codec.DecodeRequest("""{"instances":[[NaN]]}"""u8.ToArray(), WireContent.Json));
        Assert.Throws<WireFormatException>(() => codec.DecodeRequest("""{"instances":[[99999999999999999999]]}"""u8.ToArray(), WireContent.Json));
    }

    [Fact]
    public void Triton_Binary_Rejects_Bad_Sizes_And_Header_Lengths()
    {
        var codec = Codec("triton-rest-binary", Tiny);
        var (body, content) = Encode(w => codec.EncodeRequest(TinyRequest(), w));
        int header = content.InferenceHeaderLength!.Value;

        var ex = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(body, content with { InferenceHeaderLength = body.Length + 1 }));
        Assert.Contains("outside the", ex.Message, StringComparison.Ordinal);
        Assert.Throws<WireFormatException>(() => codec.DecodeRequest(body, content with { InferenceHeaderLength = -1 }));
        ex = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(body.AsMemory(0, body.Length - 1), content));
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(body.Append((byte)0).ToArray(), content));
        Assert.Contains("belong to no tensor", ex.Message, StringComparison.Ordinal);

        string absurd = """{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","parameters":{"binary_data_size":1000000000000000}}]}""";
        var absurdBody = System.Text.Encoding.UTF8.GetBytes(absurd).Concat(body[header..]).ToArray();
        ex = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(absurdBody, new WireContent("application/octet-stream", absurd.Length)));
        Assert.Contains("binary_data_size", ex.Message, StringComparison.Ordinal);

        string mismatch = """{"inputs":[{"name":"x","shape":[3,2],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""";
        var mismatchBody = System.Text.Encoding.UTF8.GetBytes(mismatch).Concat(body[header..]).ToArray();
        ex = Assert.Throws<WireFormatException>(() => codec.DecodeRequest(mismatchBody, new WireContent("application/octet-stream", mismatch.Length)));
        Assert.Contains("needs 24 bytes, got 16", ex.Message, StringComparison.Ordinal);

        string negative = """{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","parameters":{"binary_data_size":-16}}]}""";
        Assert.Throws<WireFormatException>(() => codec.DecodeRequest(System.Text.Encoding.UTF8.GetBytes(negative), WireContent.Json));
    }

    [Fact]
    public void Error_Bodies_Surface_The_Server_Message()
    {
        var tf = Codec("tfserving-rest-json-row", Tiny);
        var ex = Assert.Throws<WireFormatException>(() => tf.DecodeResponse("{ \"error\": \"Servable not found\" }"u8.ToArray(), WireContent.Json));
        Assert.Contains("Servable not found", ex.Message, StringComparison.Ordinal);
        var triton = Codec("triton-rest-json", Tiny);
        ex = Assert.Throws<WireFormatException>(() => triton.DecodeResponse("""{"error":"unknown model"}"""u8.ToArray(), WireContent.Json));
        Assert.Contains("unknown model", ex.Message, StringComparison.Ordinal);
        var torch = Codec("torchserve-rest-raw", Tiny);
        ex = Assert.Throws<WireFormatException>(() => torch.DecodeResponse("{\n  \"code\": 503,\n  \"type\": \"ServiceUnavailableException\",\n  \"message\": \"no worker\"\n}\n"u8.ToArray(), WireContent.Json));
        Assert.Contains("no worker", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TorchServe_Raw_Rejects_Bodies_That_Do_Not_Fit_The_Input()
    {
        var resnet = Codec("torchserve-rest-raw", ModelCatalog.Resnet50.Signature);
        var ex = Assert.Throws<WireFormatException>(() => resnet.DecodeRequest(new byte[12], WireContent.OctetStream));
        Assert.Contains("does not fit input 'pixel_values'", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<WireFormatException>(() => resnet.DecodeRequest(new byte[7], WireContent.OctetStream));
        Assert.Contains("whole number", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<WireFormatException>(() => resnet.DecodeRequest(Array.Empty<byte>(), WireContent.OctetStream));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Mutate(byte[] body, Random random, byte[] alphabet)
    {
        var copy = (byte[])body.Clone();
        int changes = random.Next(1, 4);
        for (int i = 0; i < changes && copy.Length > 0; i++)
        {
            copy[random.Next(copy.Length)] = random.Next(2) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
        }

        return copy;
    }
}
