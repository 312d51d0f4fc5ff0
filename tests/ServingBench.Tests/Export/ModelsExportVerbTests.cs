using System.CommandLine;
using ServingBench.Export.TfServing;
using ServingBench.Models.Store;
using ServingBench.Verbs;

namespace ServingBench.Tests.Export;

/// <summary><c>models export</c> from the command line, over a temporary store of tiny models.</summary>
public sealed class ModelsExportVerbTests() : TemporaryFolderTest("servingbench-export-verb-")
{
    private string Output => Path.Combine(Folder, "out");

    [Fact]
    public void Writes_All_Three_Layouts_And_Says_What_Comes_Next()
    {
        var (exit, output, error) = Invoke("models", "export", "--tiny", "--output", Output);

        Assert.True(exit == 0, error);
        Assert.True(File.Exists(Path.Combine(Output, "triton", "resnet50", "config.pbtxt")));
        Assert.True(File.Exists(Path.Combine(Output, "torchserve", "model-store", "bart.mar")));
        Assert.True(File.Exists(Path.Combine(Output, "tfserving", "models.config")));
        Assert.Contains("tools/real-servers.sh up --export", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Second_Export_Leaves_Nothing_Stale_And_Keeps_The_Users_SavedModels()
    {
        Assert.Equal(0, Invoke("models", "export", "resnet50", "--tiny", "--output", Output, "--dynamic-batching").Exit);
        string savedModel = Path.Combine(Output, "tfserving", "resnet50", "1", "saved_model.pb");
        Directory.CreateDirectory(Path.GetDirectoryName(savedModel)!);
        File.WriteAllText(savedModel, "the user's");

        var (exit, output, error) = Invoke("models", "export", "wav2vec2", "--tiny", "--output", Output);

        Assert.True(exit == 0, error);
        Assert.False(File.Exists(Path.Combine(Output, "tfserving", TfServingLayoutWriter.BatchingParameters)));
        Assert.False(Directory.Exists(Path.Combine(Output, "triton", "resnet50")));
        Assert.True(File.Exists(Path.Combine(Output, "triton", "wav2vec2", "config.pbtxt")));
        Assert.Equal("the user's", File.ReadAllText(savedModel));
        Assert.Contains("missing: wav2vec2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void One_Framework_Writes_One_Folder()
    {
        Assert.Equal(0, Invoke("models", "export", "resnet50", "--tiny", "--output", Output, "--framework", "triton").Exit);

        Assert.Equal(["triton"], Directory.GetDirectories(Output).Select(d => Path.GetFileName(d)!));
    }

    [Fact]
    public void A_Folder_The_Export_Did_Not_Write_Is_Refused_In_One_Line_And_Kept()
    {
        string foreign = Path.Combine(Output, "triton", "someone-elses-model");
        Directory.CreateDirectory(foreign);

        var (exit, _, error) = Invoke("models", "export", "resnet50", "--tiny", "--output", Output);

        Assert.Equal(2, exit);
        Assert.Contains("was not written by `models export`", error, StringComparison.Ordinal);
        Assert.Contains("--output", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.True(Directory.Exists(foreign));
    }

    [Theory]
    [InlineData("--max-batch-size", "--dynamic-batching", "--max-batch-size", "0")]
    [InlineData("--workers", "--workers", "0")]
    [InlineData("--queue-size", "--queue-size", "0")]
    [InlineData("--max-batch-delay-ms", "--max-batch-delay-ms", "-1")]
    [InlineData("nonsense", "--framework", "nonsense")]
    public void A_Bad_Option_Is_Named_Not_A_Stack_Trace(string named, params string[] options)
    {
        var (exit, _, error) = Invoke(["models", "export", "--tiny", "--output", Output, .. options]);

        Assert.NotEqual(0, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Output));
    }

    private (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand { ModelsVerb.Create(() => new ModelStore(Path.Combine(Folder, "models"))) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
