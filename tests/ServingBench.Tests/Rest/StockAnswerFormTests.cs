using System.Buffers;
using ServingBench.Wire.Codecs.TorchServe;
using Encoding = System.Text.Encoding;

namespace ServingBench.Tests.Rest;

/// <summary>A stock answer is read tolerantly: its form's members are found among any others, and an object with none is refused.</summary>
public sealed class StockAnswerFormTests
{
    private static readonly TextAnswer Summary = new("summary", "summary_text");
    private static readonly TopKAnswer TopFive = new(5);

    [Theory]
    [InlineData("{\"summary\": \"A cat sat.\"}")]
    [InlineData("{\"summary_text\": \"A cat sat.\", \"output_ids\": [[2, 0, 83, 2]]}")]
    [InlineData("{\"score\": 0.9, \"summary\": \"A cat sat.\", \"model\": {\"name\": \"bart\"}}")]
    public void A_Text_Answer_Is_Read_Beside_Members_It_Does_Not_Know(string body)
    {
        Assert.True(Summary.TryRead(Encoding.UTF8.GetBytes(body), "bart", out var answer));

        var text = Assert.Single(answer.Outputs);
        Assert.Equal("summary", text.Name);
        Assert.Equal("A cat sat.", Encoding.UTF8.GetString(text.GetBytesElements()[0].Span));
        Assert.True(Summary.IsAnswer(answer));
    }

    [Theory]
    [InlineData("{\"output_ids\": [[2, 0, 83, 2]]}")]
    [InlineData("{\"transcript\": \"a cat sat\"}")]
    [InlineData("{\"summary\": [\"not\", \"text\"]}")]
    [InlineData("{}")]
    public void A_Text_Answer_Without_Its_Member_Is_Refused(string body) =>
        Assert.False(Summary.TryRead(Encoding.UTF8.GetBytes(body), "bart", out _));

    [Fact]
    public void A_Top_K_Answer_Skips_Members_That_Are_Not_Probabilities()
    {
        var written = new ArrayBufferWriter<byte>();
        TopFive.Write([("tabby", 0.5f), ("tiger cat", 0.25f)], written);
        string body = Encoding.UTF8.GetString(written.WrittenSpan).Replace("{", "{\n  \"model\": \"resnet50\",\n  \"time_ms\": 12.5,", StringComparison.Ordinal);

        Assert.True(TopFive.TryRead(Encoding.UTF8.GetBytes(body), "resnet50", out var answer));

        Assert.Equal(["tabby", "tiger cat"], answer.Output(TopKAnswer.Labels).GetBytesElements().Select(l => Encoding.UTF8.GetString(l.Span)));
        Assert.Equal([0.5f, 0.25f], answer.Output(TopKAnswer.Probabilities).AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData("{\"code\": 503, \"type\": \"ServiceUnavailableException\", \"message\": \"Model is busy\"}")]
    [InlineData("{\"a\": 0.1, \"b\": 0.1, \"c\": 0.1, \"d\": 0.1, \"e\": 0.1, \"f\": 0.1}")]
    public void A_Top_K_Answer_With_No_Probability_Or_Too_Many_Is_Refused(string body) =>
        Assert.False(TopFive.TryRead(Encoding.UTF8.GetBytes(body), "resnet50", out _));
}
