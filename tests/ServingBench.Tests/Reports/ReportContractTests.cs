using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using ServingBench.Benchmarks;
using ServingBench.Config;
using ServingBench.Reports.Composition;

namespace ServingBench.Tests.Reports;

/// <summary>
/// The names the page reads back from BenchmarkDotNet's reports are the names the app writes: a class, method or
/// column renamed on one side only fails here instead of publishing a page with a section left out or dashes.
/// </summary>
public sealed class ReportContractTests
{
    private static readonly Assembly App = typeof(SerializationBenchmarks).Assembly;

    [Fact]
    public void The_Page_Reads_The_Benchmark_Classes_By_Their_Names()
    {
        Assert.Equal(nameof(SerializationBenchmarks), SuiteClasses.Serialization);
        Assert.Equal(nameof(RoundTripBenchmarks), SuiteClasses.RoundTrip);
        Assert.Equal(nameof(InProcessBenchmarks), SuiteClasses.InProcess);
    }

    [Fact]
    public void Every_Method_The_Page_Reads_Is_A_Benchmark_Of_The_App()
    {
        var benchmarks = App.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.IsDefined(typeof(BenchmarkAttribute), false)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(Constants(typeof(SuiteMethods)), method => Assert.Contains(method, benchmarks));
    }

    [Fact]
    public void Every_Column_Name_Shared_With_The_Page_Is_A_Column_Of_The_App()
    {
        var appColumns = App.GetTypes()
            .Where(t => typeof(IColumn).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Static))
            .SelectMany(p => p.GetValue(null) switch
            {
                IColumn column => [column],
                IEnumerable<IColumn> columns => columns,
                _ => [],
            })
            .Select(c => c.ColumnName)
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(Constants(typeof(SuiteColumns)), name => Assert.Contains(name, appColumns));
        Assert.Subset(Constants(typeof(SuiteColumns)).ToHashSet(StringComparer.Ordinal), SuiteColumns.ReadByThePage.ToHashSet(StringComparer.Ordinal));
        Assert.Contains(WireBytesColumn.Request.ColumnName, SuiteColumns.ReadByThePage);
    }

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
}
