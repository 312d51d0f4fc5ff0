using System.CommandLine;
using ServingBench.Emulators;
using ServingBench.Verbs;

namespace ServingBench.Tests.Batching;

/// <summary>serve's batching options: named after each server's setting, off unless given, bad values refused by name.</summary>
public sealed class ServeBatchingOptionsTests
{
    [Fact]
    public void Nothing_Batches_Unless_Asked()
    {
        var options = Apply([]);
        Assert.Null(options.TritonDynamicBatching);
        Assert.Equal(0, options.TritonMaxBatchSize);
        Assert.Null(options.TfServingBatching);
        Assert.Null(options.TorchServeBatching);
    }

    [Fact]
    public void A_Triton_Queue_Delay_Turns_On_Dynamic_Batching_With_The_Default_Maximum()
    {
        var options = Apply(["--triton-max-queue-delay-us", "2000", "--triton-preferred-batch-size", "4", "8"]);
        Assert.NotNull(options.TritonDynamicBatching);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.TritonDynamicBatching.MaxQueueDelay);
        Assert.Equal(ServeBatchingOptions.TritonDefaultMaxBatchSize, options.TritonDynamicBatching.MaxBatchSize);
        Assert.Equal([4, 8], options.TritonDynamicBatching.PreferredBatchSizes);
        Assert.Equal(ServeBatchingOptions.TritonDefaultMaxBatchSize, options.TritonMaxBatchSize);
    }

    [Fact]
    public void TorchServe_And_TfServing_Settings_Reach_Their_Emulators()
    {
        var options = Apply([
            "--torchserve-batch-size", "8", "--torchserve-max-batch-delay-ms", "50",
            "--tfserving-enable-batching", "--tfserving-max-batch-size", "16", "--tfserving-batch-timeout-micros", "1500",
            "--tfserving-num-batch-threads", "3", "--tfserving-max-enqueued-batches", "5",
        ]);
        Assert.Equal(new(8, TimeSpan.FromMilliseconds(50), options.TorchServeBatching!.PreferredBatchSizes), options.TorchServeBatching);
        Assert.Equal(16, options.TfServingBatching!.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMicroseconds(1500), options.TfServingBatching.MaxQueueDelay);
        Assert.Equal(16 * 5, options.TfServingBatching.MaxQueuedRows);
        Assert.Equal(3, options.TfServingBatchThreads);
    }

    [Theory]
    [InlineData("--triton-max-batch-size", "-1")]
    [InlineData("--triton-max-queue-delay-us", "-5")]
    [InlineData("--triton-preferred-batch-size", "0")]
    [InlineData("--torchserve-batch-size", "0")]
    [InlineData("--torchserve-max-batch-delay-ms", "-1")]
    [InlineData("--tfserving-max-batch-size", "0")]
    [InlineData("--tfserving-batch-timeout-micros", "-1")]
    [InlineData("--tfserving-num-batch-threads", "0")]
    [InlineData("--tfserving-max-enqueued-batches", "0")]
    public void Bad_Values_Are_Refused_Naming_The_Option(string option, string value)
    {
        AssertServeRefuses([option, value], $"{option} {value} must be at least");
    }

    [Theory]
    [InlineData(new[] { "--triton-max-batch-size", "4", "--triton-preferred-batch-size", "8" }, "--triton-preferred-batch-size 8 is above --triton-max-batch-size 4")]
    [InlineData(new[] { "--triton-max-batch-size", "0", "--triton-dynamic-batching" }, "--triton-max-batch-size 0 cannot batch")]
    public void Settings_That_Contradict_Each_Other_Are_Refused_In_One_Line(string[] args, string expected)
    {
        AssertServeRefuses(args, expected);
    }

    /// <summary><c>serve</c> with <paramref name="args"/>, parsed as the app parses it, fails with one error that starts with <paramref name="expected"/>.</summary>
    private static void AssertServeRefuses(string[] args, string expected)
    {
        var parse = AppVerbs.Create().Parse(["serve", .. args]);
        var error = Assert.Single(parse.Errors);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The emulator settings serve would start with for <paramref name="args"/>.</summary>
    private static EmulatorOptions Apply(string[] args)
    {
        var batching = new ServeBatchingOptions();
        var command = new Command("serve");
        batching.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return batching.Apply(parse, new EmulatorOptions());
    }
}
