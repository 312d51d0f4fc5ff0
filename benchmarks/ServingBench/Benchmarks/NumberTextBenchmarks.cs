using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ServingBench.Serialization;

namespace ServingBench.Benchmarks;

/// <summary>
/// The control rows for the hand-written number text under the JSON codecs: the same numbers, written to the same
/// text and read back to the same values, by the BCL (float/double.TryFormat and float.Parse on UTF-8), its
/// Utf8Formatter/Utf8Parser, csFastFloat (parsing only) and ours. Each block is one direction of one case, and
/// <c>Ratio</c> reads every row against the BCL's. docs/number-text.md keeps the figures and what they decided.
/// </summary>
[BenchmarkCategory(Categories.Serialization)]
[SuiteJob]
[PromptTiering]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class NumberTextBenchmarks
{
    private const string Format = "Format";
    private const string Parse = "Parse";

    private NumberTextSubject _subject = null!;

    /// <summary>What the codecs write and read: a request tensor's elements, and the logits in two servers' styles.</summary>
    [ParamsSource(nameof(Cases))]
    public NumberTextCase Case { get; set; } = null!;

    public static IEnumerable<NumberTextCase> Cases() => NumberTextCase.All;

    [GlobalSetup]
    public void Setup()
    {
        _subject = new NumberTextSubject(Case);
        _subject.Verify();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Format)]
    public int FormatBcl() => _subject.Format(NumberTextLibrary.Bcl);

    [Benchmark]
    [BenchmarkCategory(Format)]
    public int FormatUtf8Formatter() => _subject.Format(NumberTextLibrary.Utf8FormatterParser);

    [Benchmark]
    [BenchmarkCategory(Format)]
    public int FormatOurs() => _subject.Format(NumberTextLibrary.Ours);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Parse)]
    public float[] ParseBcl() => _subject.Parse(NumberTextLibrary.Bcl);

    [Benchmark]
    [BenchmarkCategory(Parse)]
    public float[] ParseUtf8Parser() => _subject.Parse(NumberTextLibrary.Utf8FormatterParser);

    [Benchmark]
    [BenchmarkCategory(Parse)]
    public float[] ParseCsFastFloat() => _subject.Parse(NumberTextLibrary.CsFastFloat);

    [Benchmark]
    [BenchmarkCategory(Parse)]
    public float[] ParseOurs() => _subject.Parse(NumberTextLibrary.Ours);
}
