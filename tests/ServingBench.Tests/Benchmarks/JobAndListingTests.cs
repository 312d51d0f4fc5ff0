using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ServingBench.Benchmarks;
using ServingBench.Config;
using ServingBench.Models.Engines;
using ServingBench.Models.Engines.TorchSharp;

namespace ServingBench.Tests.Benchmarks;

/// <summary>
/// Which job a case runs under and which cases a command line selects, resolved by BenchmarkDotNet exactly as
/// the switcher does (no benchmark runs here), and the promise that listing or skipping a case changes nothing.
/// </summary>
public sealed class JobAndListingTests
{
    private static readonly System.Reflection.Assembly App = typeof(InProcessBenchmarks).Assembly;

    [Theory]
    [InlineData(new string[0], 1, "5-20")] // the class's own suite job: 5 to 20 iterations by the stopping rule
    [InlineData(new[] { "--iterationCount", "3" }, 1, "3")] // counts from the command line win over the class's
    [InlineData(new[] { "--warmupCount", "2" }, 2, "5-20")]
    [InlineData(new[] { "--job", "dry" }, 1, "1")] // a named job replaces the class's
    public void InProcess_Job_Follows_The_Command_Line(string[] options, int warmups, string iterations)
    {
        var run = Listing([.. options, "--filter", "*InProcess*"]).Cases(typeof(InProcessBenchmarks)).ToList();
        Assert.NotEmpty(run);
        Assert.All(run, b => Assert.Equal((warmups, iterations), (b.Job.Run.WarmupCount, Iterations(b.Job))));
    }

    /// <summary>"N" for a fixed count, "min-max" for a job that stops by BenchmarkDotNet's rule.</summary>
    private static string Iterations(Job job) => CountOrRange(
        job.HasValue(RunMode.IterationCountCharacteristic), job.Run.IterationCount, job.Run.MinIterationCount, job.Run.MaxIterationCount);

    [Fact]
    public void Other_Classes_Run_The_Suite_Job()
    {
        var run = Listing(["--filter", "*Serialization*memcpy*"]).Cases().ToList();
        Assert.NotEmpty(run);
        Assert.All(run, b => Assert.Equal(
            ($"{ServingBenchConfig.MinWarmupCount}-{ServingBenchConfig.MaxWarmupCount}", $"{ServingBenchConfig.MinIterationCount}-{ServingBenchConfig.MaxIterationCount}", ServingBenchConfig.MaxRelativeError, "ServingBench"),
            (Warmups(b.Job), Iterations(b.Job), b.Job.Accuracy.MaxRelativeError, b.Job.Id)));
    }

    [Fact]
    public void A_Warmup_Count_On_The_Command_Line_Replaces_The_Automatic_Warmup()
    {
        var run = Listing(["--warmupCount", "2", "--filter", "*Serialization*memcpy*"]).Cases().ToList();
        Assert.NotEmpty(run);
        Assert.All(run, b => Assert.Equal("2", Warmups(b.Job)));
    }

    /// <summary>"N" for a fixed warm-up, "min-max" for BenchmarkDotNet's automatic one.</summary>
    private static string Warmups(Job job) => CountOrRange(
        job.HasValue(RunMode.WarmupCountCharacteristic), job.Run.WarmupCount, job.Run.MinWarmupIterationCount, job.Run.MaxWarmupIterationCount);

    /// <summary>How a job's count reads in these tests: the count when the job fixes it, otherwise the range it may take.</summary>
    private static string CountOrRange(bool isFixed, int count, int min, int max) => isFixed
        ? count.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{min}-{max}");

    [Fact]
    public void A_Test_Job_Replaces_The_Suite_Job()
    {
        // What DryRunTests run: one iteration per case, not the class's five.
        var config = ManualConfig.Create(ServingBenchConfig.Create()).AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance));
        var cases = BenchmarkConverter.TypeToBenchmarks(typeof(InProcessBenchmarks), config).BenchmarksCases;
        Assert.NotEmpty(cases);
        Assert.All(cases, b => Assert.Equal(1, b.Job.Run.IterationCount));
    }

    [Fact]
    public void Every_Benchmark_Class_Carries_The_Suite_Job()
    {
        var classes = App.GetTypes().Where(t => t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false))).ToList();
        Assert.Equal(4, classes.Count);
        Assert.All(classes, t => Assert.True(t.IsDefined(typeof(SuiteJobAttribute), false), $"{t.Name} has no [SuiteJob]"));
    }

    [Theory]
    [InlineData("*resnet50-tensor*")] // matches parameters, not the method name
    [InlineData("*InProcess*")]
    [InlineData("ServingBench.Benchmarks.SerializationBenchmarks.EncodeRequest")]
    public void Listing_Selects_What_BenchmarkDotNets_GlobFilter_Selects(string pattern)
    {
        var listed = Listing(["--filter", pattern]).Cases().Select(b => b.DisplayInfo).ToList();
        var config = ManualConfig.Create(ServingBenchConfig.Create()).AddFilter(new GlobFilter([pattern]));
        var switcher = new[] { typeof(InProcessBenchmarks), typeof(RoundTripBenchmarks), typeof(SerializationBenchmarks), typeof(NumberTextBenchmarks) }
            .SelectMany(t => BenchmarkConverter.TypeToBenchmarks(t, config).BenchmarksCases)
            .Select(b => b.DisplayInfo)
            .ToList();
        Assert.NotEmpty(listed);
        Assert.Equal(switcher.Order(), listed.Order());
    }

    [Fact]
    public void Listing_Honours_Category_Filters_Too()
    {
        var listed = Listing(["--anyCategories", Categories.InProcess]).Cases().ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, b => Assert.Equal(typeof(InProcessBenchmarks), b.Descriptor.Type));
    }

    [Theory]
    [InlineData("*Serialization*")]
    [InlineData("*cpu*")]
    [InlineData("*nothing-matches*")]
    public void No_Skip_Line_When_The_Filter_Asks_For_No_Left_Out_Row(string pattern) =>
        Assert.Null(RunnableCases.Describe(Listing(["--filter", pattern]).Requested(typeof(InProcessBenchmarks))));

    [Fact]
    public void One_Skip_Line_Names_The_Left_Out_Rows_The_Filter_Asked_For()
    {
        var cuda = InProcessBenchmarks.Cases().Where(c => c.WhyNot is not null).ToList();
        string? line = RunnableCases.Describe(Listing(["--filter", "*cuda-resnet50*"]).Requested(typeof(InProcessBenchmarks)));
        if (cuda.Count == 0)
        {
            Assert.Null(line); // a CUDA build on a GPU runs every row
            return;
        }

        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("-cuda-resnet50", line, StringComparison.Ordinal);
        Assert.DoesNotContain("wav2vec2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Listing_Prints_No_Skip_Line()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, Program.Main(["--list", "flat", "--filter", "*cuda*"]));
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.DoesNotContain("left out", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("cases", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_Whether_TorchSharp_Can_Run_Changes_No_File()
    {
        // An unpatched glue library as the package ships it (the app's copy may already be patched by a run).
        string glue = NativeFiles.LibraryFileName("LibTorchSharp");
        string source = Path.Combine(AppContext.BaseDirectory, glue);
        string folder = Path.Combine(Path.GetTempPath(), "servingbench-whynot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string copy = Path.Combine(folder, glue);
            File.Copy(source, copy);
            File.WriteAllBytes(Path.Combine(folder, NativeFiles.LibraryFileName("torch")), []);
            byte[] before = File.ReadAllBytes(copy);
            var written = File.GetLastWriteTimeUtc(copy);

            Assert.Null(TorchRuntime.WhyNot(Device.Cpu, folder));
            Assert.NotNull(TorchRuntime.WhyNot(Device.Cuda, folder)); // no CUDA libtorch beside it

            Assert.Equal(before, File.ReadAllBytes(copy));
            Assert.Equal(written, File.GetLastWriteTimeUtc(copy));
            Assert.Equal(2, Directory.GetFiles(folder).Length); // no ".patching" file either
            Assert.NotNull(TorchRuntime.WhyNot(Device.Cpu, Path.Combine(folder, "missing")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static CaseListing Listing(string[] args) =>
        CaseListing.FromCommandLine(App, args, ServingBenchConfig.Create()) ?? throw new InvalidOperationException($"BenchmarkDotNet rejected {string.Join(' ', args)}");
}
