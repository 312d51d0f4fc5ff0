using BenchmarkDotNet.Exporters;
using ServingBench.Config;

namespace ServingBench.Tests.Encodings;

/// <summary>A filter that selects half-precision or compressed rows runs their twins too, method by method, and nothing else.</summary>
public class TwinRowsTests
{
    [Fact]
    public void A_Filter_For_Fp16_Rows_Brings_Their_Fp32_Twins()
    {
        var (args, added) = TwinRows.Expand(["--filter", "*Serialization*EncodeRequest*resnet50-tensor-fp16*", "--list", "flat"], ServingBenchConfig.Create());

        Assert.Equal(2, added); // convert's twin is the FP32 memcpy, triton-grpc-raw's the FP32 triton-grpc-raw
        var names = Selected(args);
        Assert.Contains("ServingBench.Benchmarks.SerializationBenchmarks.EncodeRequest(Case: resnet50-tensor/memcpy)", names);
        Assert.Contains("ServingBench.Benchmarks.SerializationBenchmarks.EncodeRequest(Case: resnet50-tensor/triton-grpc-raw)", names);
        Assert.DoesNotContain(names, n => n.Contains("DecodeRequest", StringComparison.Ordinal));
        Assert.Equal(["--list", "flat"], args[^2..]);
    }

    [Fact]
    public void A_Filter_For_Gzip_Rows_Brings_Their_Uncompressed_Twins()
    {
        var (args, added) = TwinRows.Expand(["--filter", "*RoundTrip*gzip*"], ServingBenchConfig.Create());

        Assert.True(added > 0);
        var names = Selected(args);
        Assert.Contains("ServingBench.Benchmarks.RoundTripBenchmarks.Infer(Case: triton-rest-json/resnet50-tensor/canned)", names);
        Assert.Contains("ServingBench.Benchmarks.RoundTripBenchmarks.Echo(Case: triton-grpc-raw/resnet50-tensor/canned)", names);
        Assert.DoesNotContain(names, n => n.Contains("/onnx", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_Rows_Add_Nothing()
    {
        string[] args = ["--filter", "*triton-grpc-raw/resnet50-tensor/canned*"];
        Assert.Equal((args, 0), TwinRows.Expand(args, ServingBenchConfig.Create()));
    }

    private static List<string> Selected(string[] args) =>
        [.. (CaseListing.FromCommandLine(typeof(ServingBench.Program).Assembly, args, ServingBenchConfig.Create())
            ?? throw new InvalidOperationException("BenchmarkDotNet rejected the arguments")).Cases().Select(FullNameProvider.GetBenchmarkName)];
}
