using ServingBench.Payloads;

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
    public void Missing_Fixture_Names_The_Path_And_The_Fix()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => FixtureFiles.GetPath("images/no-such-photo.jpg"));
        Assert.Contains("no-such-photo.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "fixtures"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(FixtureFiles.EnvironmentVariable, ex.Message, StringComparison.Ordinal);
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
}
