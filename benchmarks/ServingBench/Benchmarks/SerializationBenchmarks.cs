using System.Buffers;
using BenchmarkDotNet.Attributes;
using ServingBench.Serialization;

namespace ServingBench.Benchmarks;

/// <summary>
/// What each payload encoding costs the client (encode request, decode response) and the server (decode
/// request, encode response), for real model payloads. The "Request B" / "Response B" columns give bytes on the
/// wire; "× memcpy" reads each row against copying the same bytes, "× raw" against the payload's raw encoding.
/// </summary>
[BenchmarkCategory(Categories.Serialization)]
[SuiteJob]
[PromptTiering]
// One block per method (EncodeRequest, DecodeRequest, ...), rows in catalogue order inside it: a block reads as
// "this direction, every encoding of every payload".
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByMethod)]
public class SerializationBenchmarks
{
    private SerializationSubject _subject = null!;
    private ArrayBufferWriter<byte> _output = null!;

    /// <summary>Payload × encoding, from the scenario catalogue plus the memcpy and naive-JSON controls.</summary>
    [ParamsSource(nameof(Cases))]
    public SerializationCase Case { get; set; } = null!;

    public static IEnumerable<SerializationCase> Cases() => SerializationCase.All;

    [GlobalSetup]
    public void Setup()
    {
        // Payload preprocessing, codec construction and the bodies the decoders read all happen here.
        _subject = SerializationSubject.Create(Case);
        _subject.Verify();
        // Sized for the larger body so the measured encoders never grow the buffer.
        _output = new ArrayBufferWriter<byte>(Math.Max(_subject.RequestBody.Length, _subject.ResponseBody.Length) * 2 + 4096);
    }

    [Benchmark]
    public int EncodeRequest()
    {
        _output.ResetWrittenCount();
        _subject.EncodeRequest(_output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public object DecodeRequest() => _subject.DecodeRequest();

    [Benchmark]
    public int EncodeResponse()
    {
        _output.ResetWrittenCount();
        _subject.EncodeResponse(_output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public object DecodeResponse() => _subject.DecodeResponse();
}
