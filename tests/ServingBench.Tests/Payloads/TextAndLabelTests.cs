using ServingBench.Payloads.Text;

namespace ServingBench.Tests.Payloads;

public class TextAndLabelTests
{
    private static readonly Lazy<BartTokenizer> Tokenizer = new(() => BartTokenizer.Fixtures);

    [Fact]
    public void Gpt2_Bpe_Matches_Published_Vectors()
    {
        Assert.Equal([14295, 290, 474, 359], Tokenizer.Value.EncodeToIds("Jack and jill"));
        Assert.Equal([2061, 338, 510, 351, 262, 11241, 7509, 30], Tokenizer.Value.EncodeToIds("What's up with the tokenizer?"));
    }

    [Fact]
    public void Model_Input_Is_Wrapped_In_Bos_And_Eos()
    {
        Assert.Equal([0L, 14295, 290, 474, 359, 2], Tokenizer.Value.EncodeForModel("Jack and jill"));
        Assert.Equal([0L, 2], Tokenizer.Value.EncodeForModel(string.Empty));
    }

    [Fact]
    public void Long_Text_Is_Truncated_To_1024_Ending_In_Eos()
    {
        string text = string.Concat(Enumerable.Repeat("The line runs through the valley. ", 400));
        var ids = Tokenizer.Value.EncodeForModel(text);
        Assert.Equal(BartTokenizer.MaxTokens, ids.Length);
        Assert.Equal(0, ids[0]);
        Assert.Equal(2, ids[^1]);
        Assert.Equal(Tokenizer.Value.EncodeToIds(text).Take(1022).Select(i => (long)i), ids[1..^1]);
    }

    [Fact]
    public void Article_Fits_Without_Truncation_And_Round_Trips()
    {
        string article = FixtureFiles.ReadAllText(FixtureFiles.ArticleText);
        int words = article.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.InRange(words, 600, 800);

        var ids = Tokenizer.Value.EncodeToIds(article);
        Assert.InRange(ids.Count, 600, 1022);
        Assert.Equal(article, Tokenizer.Value.Decode(ids));
    }

    [Fact]
    public void ImageNet_Labels_Are_The_1000_Classes_In_Order()
    {
        Assert.Equal(1000, ImageNetLabels.All.Count);
        Assert.Equal("tench, Tinca tinca", ImageNetLabels.Get(0));
        Assert.Equal("tabby, tabby cat", ImageNetLabels.Get(281));
        Assert.Equal("espresso", ImageNetLabels.Get(967));
        Assert.Equal("toilet tissue, toilet paper, bathroom tissue", ImageNetLabels.Get(999));
    }

    [Fact]
    public void Label_File_With_Wrong_Count_Is_Refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ImageNetLabels.Parse("a\nb\n", "short.txt"));
        Assert.Contains("short.txt", ex.Message, StringComparison.Ordinal);
    }
}
