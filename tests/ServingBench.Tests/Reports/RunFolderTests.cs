using ServingBench.Reports.Runs;

namespace ServingBench.Tests.Reports;

/// <summary>Each run gets a folder of its own, and its manifest reads back as written.</summary>
public sealed class RunFolderTests() : TemporaryFolderTest("servingbench-runs-")
{
    [Fact]
    public void Create_Names_The_Folder_By_Utc_Start_And_Host_And_Never_Reuses_One()
    {
        var started = new DateTimeOffset(2026, 12, 1, 7, 4, 5, TimeSpan.FromHours(2));
        var first = RunFolder.Create(Folder, started, "Bench Box.local");
        var second = RunFolder.Create(Folder, started, "Bench Box.local");

        Assert.Equal("20261201T050405Z-bench-box-local", first.Id);
        Assert.Equal("20261201T050405Z-bench-box-local-2", second.Id);
        Assert.Equal([first.Id, second.Id], RunFolder.List(Folder).Select(r => r.Id));
        Assert.Equal(first.FullPath, RunFolder.Open(Folder, first.Id).FullPath);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => RunFolder.Open(Folder, "20200101T000000Z-none"));
        Assert.Contains("20200101T000000Z-none", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_Round_Trips_With_Snake_Case_Keys_And_Word_Statuses()
    {
        var run = RunFolder.Create(Folder, DateTimeOffset.UtcNow, "host");
        var manifest = Sample(run.Id, RunStatus.Partial) with
        {
            HostCeiling = new HostCeilingFigures(231, 31.0, 2, 512),
            Environment = new Dictionary<string, string> { ["SERVINGBENCH_TRITON_GRPC"] = "http://gpu:8001" },
        };
        run.WriteManifest(manifest);

        string json = File.ReadAllText(run.ManifestPath);
        Assert.Contains("\"status\": \"partial\"", json, StringComparison.Ordinal);
        Assert.Contains("\"cpu_family\": 25", json, StringComparison.Ordinal);
        Assert.Contains("\"host_ceiling\"", json, StringComparison.Ordinal);
        var read = run.ReadManifest()!;
        Assert.Equal(manifest.Machine, read.Machine);
        Assert.Equal(manifest.HostCeiling, read.HostCeiling);
        Assert.Equal("http://gpu:8001", read.Environment["SERVINGBENCH_TRITON_GRPC"]);
        Assert.Equal(RunStatus.Partial, read.Status);
    }

    [Fact]
    public void Runs_Compare_Only_On_The_Same_Machine_And_Job()
    {
        var a = Sample("a", RunStatus.Complete);
        Assert.True(a.ComparableWith(Sample("b", RunStatus.Complete) with { Machine = a.Machine with { Host = "other-name" } }, out _));

        var zen5 = Sample("c", RunStatus.Complete) with { Machine = a.Machine with { CpuFamily = 26 } };
        Assert.False(a.ComparableWith(zen5, out string machine));
        Assert.Contains("family 26", machine, StringComparison.Ordinal);

        Assert.False(a.ComparableWith(Sample("d", RunStatus.Complete) with { Job = "short" }, out string job));
        Assert.Contains("'short'", job, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuInfo_Gives_The_First_Processors_Model_And_Family()
    {
        string[] lines =
        [
            "processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25", "model name\t: AMD EPYC 9R14", string.Empty,
            "processor\t: 1", "cpu family\t: 99", "model name\t: other",
        ];
        Assert.Equal(("AMD EPYC 9R14", 25), MachineInfo.ParseCpuInfo(lines));
        Assert.Equal(("unknown", (int?)null), MachineInfo.ParseCpuInfo(["processor : 0"]));
    }

    internal static RunManifest Sample(string id, RunStatus status) => new()
    {
        Id = id,
        Kind = "benchmarks",
        Status = status,
        StartedUtc = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
        Git = new GitState("0123456789abcdef0123456789abcdef01234567", false),
        CommandLine = ["--filter", "*"],
        Job = "default",
        Machine = new MachineInfo("vm", "AMD EPYC", 25, 2, 24L << 30, "Debian GNU/Linux 12 (bookworm)", ".NET 10.0.12", "X64"),
    };
}
