using ServingBench.Load;
using ServingBench.Reports.Load;
using ServingBench.ServerStatistics;
using ServingBench.Verbs;

namespace ServingBench.Tests.Batching;

/// <summary>load against a batching server: the batches it formed per step, from its counters, and the child's options.</summary>
public sealed class LoadWithBatchingTests
{
    [Fact]
    public void A_Step_Reads_The_Batches_Formed_From_The_Counter_Deltas()
    {
        var before = new ServerCounters(10, 0, 0, 0, 0, 0) { Executions = (10, 10), ExecutionsByBatchSize = new Dictionary<int, long> { [1] = 10 } };
        var after = new ServerCounters(50, 0, 0, 0, 0, 0) { Executions = (50, 15), ExecutionsByBatchSize = new Dictionary<int, long> { [1] = 10, [8] = 5 } };

        var split = ServerSplit.Between(before, after)!;

        Assert.Equal(5, split.Executions);
        Assert.Equal(8.0, split.MeanBatchRows);
        Assert.Equal(new Dictionary<int, long> { [8] = 5 }, split.ExecutionsByBatchSize);
    }

    [Fact]
    public void A_Server_That_Publishes_No_Executions_Leaves_The_Batch_Unknown()
    {
        var split = ServerSplit.Between(new ServerCounters(0, 0, null, null, 0, null), new ServerCounters(5, 0, null, null, 0, null))!;
        Assert.Null(split.Executions);
        Assert.Null(split.MeanBatchRows);
        Assert.Null(split.ExecutionsByBatchSize);
    }

    [Fact]
    public void The_Csv_Carries_The_Servers_Batch_After_Perf_Analyzers_Columns()
    {
        var step = new LoadStepSummary { Scenario = "triton-grpc-raw", Payload = "resnet50-tensor", Backend = "onnx", Target = "emulator", Mode = LoadStepSummary.Closed, Users = 100, ServerExecutions = 40, ServerMeanBatch = 7.5 };
        string[] lines = LoadOutputs.Csv([step]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",Server Executions,Server Batch", lines[0].TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith(",40,7.5", lines[1].TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, "--in-process")]
    [InlineData(false, "http://127.0.0.1:8001", "--target")]
    public void Serve_Options_Need_A_Child_Server(bool inProcess, string? target, string named)
    {
        var ex = Assert.Throws<LoadInputException>(() => LoadPlan.From(new LoadOptions
        {
            Scenarios = "triton-grpc-raw",
            ServeOptions = "--triton-max-queue-delay-us 2000",
            InProcess = inProcess,
            Target = target,
        }));
        Assert.StartsWith("--serve-options '--triton-max-queue-delay-us 2000' configures the child server", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_Options_Reach_The_Plan_As_Separate_Arguments()
    {
        var plan = LoadPlan.From(new LoadOptions { Scenarios = "triton-grpc-raw", ServeOptions = " --triton-max-batch-size 8  --triton-max-queue-delay-us 2000 " });
        Assert.Equal(["--triton-max-batch-size", "8", "--triton-max-queue-delay-us", "2000"], plan.ServeOptions);
    }

    [Theory]
    [InlineData("--triton-max-queue-delay-us 2000", "canned+batching")]
    [InlineData("--torchserve-batch-size 8 --torchserve-max-batch-delay-ms 5", "canned+batching")]
    [InlineData("--tfserving-enable-batching", "canned+batching")]
    [InlineData("--workers 2", "canned")] // a child server option that batches nothing keeps the plain label
    [InlineData(null, "canned")]
    public void Steps_Of_A_Batching_Server_Are_Labelled_Apart(string? serveOptions, string label)
    {
        var plan = LoadPlan.From(new LoadOptions { Scenarios = "triton-grpc-raw", ServeOptions = serveOptions });
        Assert.Equal(label, plan.BackendLabel);
    }
}
