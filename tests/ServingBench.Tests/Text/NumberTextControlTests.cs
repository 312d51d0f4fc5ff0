using ServingBench.Serialization;
using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

/// <summary>The number-text control rows compare like with like: every library writes the codecs' text and reads the same values.</summary>
public class NumberTextControlTests
{
    public static TheoryData<string> Cases() => [.. NumberTextCase.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_Library_Writes_The_Same_Text_And_Reads_The_Same_Values(string name)
    {
        var @case = NumberTextCase.All.Single(c => c.Name == name);
        new NumberTextSubject(@case).Verify();
    }

    [Fact]
    public void The_Request_Text_Is_What_A_Client_Writes()
    {
        var @case = NumberTextCase.All.Single(c => c.Name == "resnet50-tensor/request");
        Span<byte> expected = stackalloc byte[NumberFormatter.MaxLength];
        int length = NumberFormatter.WriteSingle(@case.Values[0], NumberStyle.RapidJson, expected);
        Assert.Equal(@case.Values.Length, @case.Text.Count(b => b == ',') + 1);
        Assert.True(@case.Text.AsSpan().StartsWith(expected[..length]));
    }
}
