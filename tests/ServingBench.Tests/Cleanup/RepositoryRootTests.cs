namespace ServingBench.Tests.Cleanup;

public sealed class RepositoryRootTests
{
    [Fact]
    public void Finds_the_folder_holding_the_solution_from_the_test_bin_folder()
    {
        string? root = RepositoryRoot.FindAbove(AppContext.BaseDirectory);

        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, RepositoryRoot.SolutionFile)));
        Assert.Equal(root, RepositoryRoot.Require("unused"));
    }

    [Fact]
    public void Returns_null_above_a_folder_outside_any_clone()
    {
        Assert.Null(RepositoryRoot.FindAbove(Path.GetPathRoot(Path.GetTempPath())!));
    }
}
