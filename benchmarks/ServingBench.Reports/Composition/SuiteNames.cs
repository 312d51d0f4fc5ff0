namespace ServingBench.Reports.Composition;

/// <summary>
/// The benchmark classes whose reports the page reads. The app's classes carry these names; a test holds them equal,
/// so a renamed class fails a test instead of leaving its section out of the page.
/// </summary>
public static class SuiteClasses
{
    public const string Serialization = "SerializationBenchmarks";
    public const string RoundTrip = "RoundTripBenchmarks";
    public const string InProcess = "InProcessBenchmarks";
}

/// <summary>The benchmark methods the page reads, by the name BenchmarkDotNet reports (held equal to the app's by a test).</summary>
public static class SuiteMethods
{
    public const string EncodeRequest = "EncodeRequest";
    public const string DecodeResponse = "DecodeResponse";
    public const string DecodeRequest = "DecodeRequest";
    public const string EncodeResponse = "EncodeResponse";
    public const string Infer = "Infer";
    public const string Echo = "Echo";
    public const string InProcess = "InProcess";
}

/// <summary>
/// The headers of the suite's own columns. The app's columns take their names from here and the composer reads the
/// CSV by the same constants, so a column cannot be renamed on one side only (a renamed header used to publish dashes).
/// </summary>
public static class SuiteColumns
{
    public const string RequestBytes = "Request B";
    public const string ResponseBytes = "Response B";
    public const string TimesMemcpy = "× memcpy";
    public const string TimesRaw = "× raw";
    public const string Work = "Work";
    public const string HostCeiling = "Host ceiling";
    public const string Floor = "Floor";
    public const string TimesFloor = "× floor";
    public const string TimesOnnxRuntime = "× onnxruntime";
    public const string InProcessMean = "In-process";
    public const string ProtocolShare = "Protocol share";
    public const string Decomposition = "(onnx − in-process) ÷ canned";
    public const string EngineInServer = "Engine in server";
    public const string PairedDecomposition = "(onnx − engine) ÷ canned";
    public const string ServerTime = "Server time";
    public const string ServerShare = "Server share";
    public const string Batch = "Batch";
    public const string PerItem = "Per item";
    public const string RequestBytesPerItem = "Request B/item";
    public const string ResponseBytesPerItem = "Response B/item";
    public const string TimesSinglePerItem = "× B=1 per item";

    /// <summary>The columns the page reads from a run's CSV.</summary>
    public static IReadOnlyList<string> ReadByThePage { get; } =
        [RequestBytes, ResponseBytes, TimesFloor, TimesOnnxRuntime, EngineInServer, PairedDecomposition, ServerTime, ServerShare, Batch];
}
