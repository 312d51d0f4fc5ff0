using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using ServingBench.Benchmarks;
using ServingBench.Composition;

namespace ServingBench.Config;

/// <summary>
/// Which RoundTrip methods run for which case, and the columns that compare backends. <c>Echo</c> moves the same
/// bytes whatever the backend, so it runs for the canned (and server) rows only; <c>InProcess</c> needs the onnx
/// backend and one case per payload and input form (<see cref="RoundTripCase.MeasuresInProcess"/>).
/// </summary>
public sealed class RoundTripRows : ManualConfig
{
    public RoundTripRows()
    {
        AddFilter(new SimpleFilter(Runs));
        AddColumn(ProtocolShareColumn.InProcessMean, ProtocolShareColumn.Share, ProtocolShareColumn.Decomposition,
            ProtocolShareColumn.EngineInServer, ProtocolShareColumn.PairedDecomposition, ServerShareColumn.ServerTime, ServerShareColumn.ServerShare);

        // Infer reads the server's statistics around each iteration ([IterationSetup]/[IterationCleanup]). Without an
        // explicit unroll factor BenchmarkDotNet would then run every Infer row one call per iteration; with it, canned
        // rows keep their dozens to hundreds of calls per 50 ms iteration and model rows (≥ 50 ms a call) still take one.
        AddJob(Job.Default.WithUnrollFactor(1).WithMinInvokeCount(1).AsMutator());

        // The server's figures travel from each benchmark process to the host's columns as a file (ServerTimes).
        AddEventProcessor(new ServerTimesCollector());
    }

    public static bool Runs(BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Case")?.Value is not RoundTripCase @case)
        {
            return true;
        }

        return benchmarkCase.Descriptor.WorkloadMethod.Name switch
        {
            nameof(RoundTripBenchmarks.Echo) => @case.Backend != BackendFactory.Onnx,
            nameof(RoundTripBenchmarks.InProcess) => @case.MeasuresInProcess,
            _ => true,
        };
    }
}
