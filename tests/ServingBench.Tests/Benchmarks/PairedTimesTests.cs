using ServingBench.Benchmarks;
using ServingBench.ServerStatistics;

namespace ServingBench.Tests.Benchmarks;

/// <summary>The paired check's parts: the recorder of (round trip, engine) samples and the file the host reads back.</summary>
public sealed class PairedTimesTests() : TemporaryFolderTest("servingbench-paired-")
{
    [Fact]
    public void The_Recorder_Subtracts_Each_Samples_Engine_Time_And_Drops_Outlying_Round_Trips_As_BenchmarkDotNet_Does()
    {
        var recorder = new PairedTimesRecorder();
        // Ten iterations: 200 ms of engine plus 2 ms of protocol, alternately ±0.1 ms; then one stalled call (30 ms more).
        for (int i = 0; i < 10; i++)
        {
            recorder.AddNanoseconds(200e6 + (i % 2 == 0 ? 1.9e6 : 2.1e6), 200e6);
        }

        recorder.AddNanoseconds(232e6, 200e6);
        var figures = recorder.Summarise()!;

        Assert.Equal(10, figures.Calls);
        Assert.Equal(2e6, figures.ProtocolMeanNs, 2e3);
        Assert.Equal(200e6, figures.EngineMeanNs, 2e3);
        Assert.InRange(figures.ProtocolErrorNs, 1e3, 0.3e6);

        recorder.Clear();
        Assert.Null(recorder.Summarise());
    }

    [Fact]
    public void The_Recorder_Keeps_The_Last_Samples_When_More_Arrive_Than_It_Holds()
    {
        var recorder = new PairedTimesRecorder();
        for (int i = 0; i < PairedTimesRecorder.Capacity; i++)
        {
            recorder.AddNanoseconds(50e6, 0);
        }

        for (int i = 0; i < PairedTimesRecorder.Capacity; i++)
        {
            recorder.AddNanoseconds(1e6, 0);
        }

        var figures = recorder.Summarise()!;
        Assert.Equal(PairedTimesRecorder.Capacity, figures.Calls);
        Assert.Equal(1e6, figures.ProtocolMeanNs, 1e3);
    }

    [Fact]
    public void The_Host_Reads_Back_The_File_The_Benchmark_Process_Wrote_For_Its_Case()
    {
        var written = new ServerTimes("triton statistics gRPC ModelStatistics at http://127.0.0.1:1/ (model resnet50)",
            new ServerSplit(16, 219_400, 3, 40, 217_000, 20), new PairedTimes(16, 2_383_730.9, 627_657.7, 217_183_988.4, 65_511.4));
        string path = ServerTimes.PathOf(Folder, "triton-grpc-raw/resnet50-tensor/onnx");
        written.Write(path);

        Assert.Equal(Path.Combine(Folder, ServerTimes.Folder, "triton-grpc-raw_resnet50-tensor_onnx.json"), path);
        Assert.Equal(written, ServerTimes.Read(path));
        Assert.Null(ServerTimes.Read(ServerTimes.PathOf(Folder, "tfserving-grpc-raw/resnet50-tensor/onnx")));

        ServerTimes.Delete(path);
        Assert.Null(ServerTimes.Read(path));
    }

    [Fact]
    public void A_Server_Without_Statistics_Leaves_Its_Note_And_No_Figures()
    {
        var written = new ServerTimes("torchserve metrics http://127.0.0.1:1/metrics: Connection refused", null, null);
        string path = ServerTimes.PathOf(Folder, "torchserve-rest-raw/resnet50-tensor/server");
        written.Write(path);

        Assert.Equal(written, ServerTimes.Read(path));
    }
}
