namespace ServingBench.Tests.Payloads;

public class FixtureFilesTests
{
    [Theory]
    [InlineData(FixtureFiles.CatJpeg)]
    [InlineData(FixtureFiles.EspressoJpeg)]
    [InlineData(FixtureFiles.SpeechWav)]
    [InlineData(FixtureFiles.ArticleText)]
    [InlineData(FixtureFiles.ImageNetLabels)]
    [InlineData(FixtureFiles.Gpt2Vocab)]
    [InlineData(FixtureFiles.Gpt2Merges)]
    public void Every_Fixture_Is_Found(string relativePath) =>
        Assert.True(File.Exists(FixtureFiles.GetPath(relativePath)));

    [Fact]
    public void Without_A_Copy_Beside_The_Assemblies_The_Clone_Is_Found_By_Walking_Up()
    {
        // BenchmarkDotNet's child process runs from a generated folder deep under the app's bin/.
        string root = RepositoryRoot();
        string generatedBin = Path.Combine(root, "benchmarks", "ServingBench", "bin", "Release", "net10.0", "linux-x64", "0f3c9a", "bin", "Release", "net10.0");
        if (FixtureFiles.OverrideFolder is null)
        {
            Assert.Equal(Path.Combine(root, "fixtures", "images", "cat.jpg"), FixtureFiles.GetPath(FixtureFiles.CatJpeg, generatedBin));
        }
    }

    [Fact]
    public void Missing_Fixture_Names_The_Path_And_The_Fix()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => FixtureFiles.GetPath("images/no-such-photo.jpg"));
        Assert.Contains("no-such-photo.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "fixtures"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(FixtureFiles.OverrideVariable, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.FileName);
    }

    [Fact]
    public void Photos_Are_Small_Jpegs()
    {
        foreach (string photo in new[] { FixtureFiles.CatJpeg, FixtureFiles.EspressoJpeg })
        {
            var bytes = FixtureFiles.ReadAllBytes(photo);
            Assert.InRange(bytes.Length, 10_000, 400_000);
            Assert.Equal([0xFF, 0xD8], bytes[..2]);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Benchmarks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Benchmarks.sln above {AppContext.BaseDirectory}");
    }
}
