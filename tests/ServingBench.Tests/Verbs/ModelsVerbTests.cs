using System.CommandLine;
using ServingBench.Models.Store;
using ServingBench.Verbs;

namespace ServingBench.Tests.Verbs;

/// <summary>The <c>models</c> verb's command line, over a temporary (empty) store: nothing here builds a model.</summary>
public sealed class ModelsVerbTests() : TemporaryFolderTest("servingbench-models-verb-")
{
    [Fact]
    public void List_Names_The_Chosen_Model_And_Builds_Nothing()
    {
        var (exit, output, _) = Invoke("models", "list", "ResNet50", "--tiny");

        Assert.Equal(0, exit);
        Assert.Contains("ResNet50: generated, not built yet", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Bart", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Folder, "cache")));
    }

    [Fact]
    public void No_Action_Lists_All_Three()
    {
        var (exit, output, _) = Invoke("models", "--tiny");

        Assert.Equal(0, exit);
        Assert.Contains("ResNet50:", output, StringComparison.Ordinal);
        Assert.Contains("Wav2Vec2:", output, StringComparison.Ordinal);
        Assert.Contains("Bart:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models", "build", "gpt5")]
    [InlineData("models", "frobnicate")]
    public void A_Mistake_Is_A_Parse_Error_Naming_It_Not_A_Stack_Trace(params string[] args)
    {
        var (exit, _, error) = Invoke(args);

        Assert.NotEqual(0, exit);
        Assert.Contains(args[^1], error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { ModelsVerb.Create(() => new ModelStore(Folder)) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
