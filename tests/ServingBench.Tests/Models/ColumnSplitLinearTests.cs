using ServingBench.Models.Engines.TorchSharp;
using TorchSharp;

namespace ServingBench.Tests.Models;

public sealed class ColumnSplitLinearTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(4, 4)]
    [InlineData(3, 8)]
    public void Matches_The_Plain_Product(int rows, int parts)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var weight = torch.randn(48, 64);
        var bias = torch.randn(64);
        var x = torch.randn(rows, 1, 48); // [rows, tokens, in], the decode-step shape
        using var split = new ColumnSplitLinear(weight, bias, parts);

        var expected = torch.matmul(x, weight) + bias;
        var actual = split.Forward(x);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(torch.allclose(expected, actual, rtol: 1e-5, atol: 1e-5), "split product differs from x·W + b");
    }

    [Fact]
    public void Rejects_A_Split_That_Does_Not_Divide_The_Columns()
    {
        TorchRuntime.EnsureLoaded();
        using var weight = torch.zeros(8, 10);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ColumnSplitLinear(weight, null, 4));
        Assert.Contains("10 output columns", error.Message);
    }
}
