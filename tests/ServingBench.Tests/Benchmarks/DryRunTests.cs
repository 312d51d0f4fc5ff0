using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ServingBench.Benchmarks;
using ServingBench.Config;
using ServingBench.Tests.Models;

namespace ServingBench.Tests.Benchmarks;

/// <summary>
/// Every benchmark case runs once, in process, with the dry job, and must produce a measurement: a case that
/// throws in setup (a codec that cannot encode its payload, a failed Verify) fails here, not in a user's run.
/// </summary>
[Collection(nameof(DryRunCollection))]
public class DryRunTests
{
    [Fact]
    public void Every_Serialization_Case_Produces_Measurements() => AssertAllCasesMeasured(typeof(SerializationBenchmarks));

    [Fact]
    public void Every_NumberText_Case_Produces_Measurements() => AssertAllCasesMeasured(typeof(NumberTextBenchmarks));

    [Fact]
    public void Every_RoundTrip_Case_Produces_Measurements() => AssertAllCasesMeasured(typeof(RoundTripBenchmarks));

    [Fact]
    public void Every_InProcess_Case_Produces_Measurements_On_Tiny_Models()
    {
        // The same class and engines as the real run; tiny models (same graph structure) keep it to seconds.
        TinyModels.Get(ServingBench.Models.Architectures.ModelKind.ResNet50);
        string? size = Environment.GetEnvironmentVariable(InProcessBenchmarks.SizeVariable);
        string? store = Environment.GetEnvironmentVariable(RunSettings.ModelsVariable);
        Environment.SetEnvironmentVariable(InProcessBenchmarks.SizeVariable, "tiny");
        Environment.SetEnvironmentVariable(RunSettings.ModelsVariable, TinyModels.Store.Root);
        Summary summary;
        try
        {
            summary = AssertAllCasesMeasured(typeof(InProcessBenchmarks));

            // Tiny models are not the architectures the floors describe: their rows show no floor figures.
            Assert.All(summary.BenchmarksCases, b => Assert.Equal("-", InProcessFloorColumn.TimesFloor.GetValue(summary, b)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(InProcessBenchmarks.SizeVariable, size);
            Environment.SetEnvironmentVariable(RunSettings.ModelsVariable, store);
        }

        // Read as real-size rows, the columns are wired to the right cases: work from the architecture, a floor,
        // and each ONNX Runtime row is its own × onnxruntime reference.
        if (Environment.GetEnvironmentVariable(InProcessBenchmarks.SizeVariable) is null)
        {
            foreach (var benchmark in summary.BenchmarksCases)
            {
                var row = (InProcessCase)benchmark.Parameters["Case"];
                string expectedWork = row.Model switch
                {
                    ServingBench.Models.Architectures.ModelKind.ResNet50 => "8.18 GFLOP",
                    ServingBench.Models.Architectures.ModelKind.Wav2Vec2 => "148.16 GFLOP",
                    _ => "193.3 GFLOP + 128 GB read",
                };
                if (row.Batch > 1)
                {
                    expectedWork += $" × {row.Batch}"; // one call runs the batch: B times the work
                }

                Assert.Equal(expectedWork, InProcessFloorColumn.Work.GetValue(summary, benchmark));
                Assert.Matches(@"^\d+(\.\d+)? (ms|s)$", InProcessFloorColumn.Floor.GetValue(summary, benchmark));
                if (row.Engine == ServingBench.Models.Engines.EngineKind.OnnxRuntime)
                {
                    Assert.Equal("1.00", InProcessFloorColumn.TimesOnnxRuntime.GetValue(summary, benchmark));
                }
            }
        }
    }

    internal static Summary AssertAllCasesMeasured(Type benchmarkType)
    {
        string artifacts = Path.Combine(Path.GetTempPath(), "servingbench-dry-" + Guid.NewGuid().ToString("N"));
        var config = ManualConfig.Create(ServingBenchConfig.Create())
            .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(artifacts);
        try
        {
            var summary = BenchmarkRunner.Run(benchmarkType, config);
            Assert.False(summary.HasCriticalValidationErrors, string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));
            Assert.NotEmpty(summary.Reports);
            var failed = summary.Reports
                .Where(r => !r.Success || r.ResultStatistics is null || r.ResultStatistics.N == 0)
                .Select(r => r.BenchmarkCase.DisplayInfo)
                .ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} of {summary.Reports.Length} cases produced no measurement:\n" + string.Join("\n", failed));
            return summary;
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }
    }
}

/// <summary>Dry runs measure; keep them off the cores other tests are using.</summary>
[CollectionDefinition(nameof(DryRunCollection), DisableParallelization = true)]
public sealed class DryRunCollection;
