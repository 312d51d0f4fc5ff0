using ServingBench.Reports.Composition;

namespace ServingBench.Tests.Reports;

/// <summary>The decomposition check carries the rows' errors and says when it cannot tell.</summary>
public sealed class DecompositionCheckTests
{
    [Fact]
    public void A_Remainder_Equal_To_The_Canned_Round_Trip_Holds()
    {
        // 50 ms onnx, 45 ms in process, 5 ms canned: the protocol adds exactly the canned round trip.
        var check = DecompositionCheck.Of(50e6, 0.2e6, 45e6, 0.2e6, 5e6, 0.1e6)!.Value;

        Assert.Equal(1.0, check.Ratio, 6);
        // √(0.2² + 0.2² + (1 × 0.1)²) ÷ 5 = 0.3 ÷ 5 = 0.06
        Assert.Equal(0.06, check.Error, 6);
        Assert.Equal("1.00 ± 0.06 holds", check.ToString());
    }

    [Fact]
    public void A_Paired_Remainder_Carries_Its_Own_Error_And_The_Canned_Rows()
    {
        // The paired remainder: 2 ± 0.5 ms of protocol per model call, over a 1.6 ± 0.04 ms canned round trip.
        var check = DecompositionCheck.OfRemainder(2e6, 0.5e6, 1.6e6, 0.04e6)!.Value;

        Assert.Equal(1.25, check.Ratio, 6);
        // √(0.5² + (1.25 × 0.04)²) ÷ 1.6
        Assert.Equal(Math.Sqrt(0.25 + 0.0025) / 1.6, check.Error, 6);
        Assert.Equal("unresolved", check.Verdict);
        Assert.Null(DecompositionCheck.OfRemainder(2e6, 0.3e6, null, null));
    }

    [Fact]
    public void A_Remainder_Far_Above_The_Canned_Round_Trip_Fails()
    {
        var check = DecompositionCheck.Of(118e6, 2e6, 99e6, 1e6, 1.5e6, 0.05e6)!.Value;

        Assert.Equal("fails", check.Verdict);
    }

    [Fact]
    public void An_Error_Larger_Than_The_Tolerance_Is_Unresolved_Not_A_Verdict()
    {
        // ResNet50 on two shared cores: ±7 ms on 215 ms rows against a 1.5 ms canned round trip.
        var check = DecompositionCheck.Of(216e6, 7e6, 214.6e6, 7e6, 1.5e6, 0.1e6)!.Value;

        Assert.True(check.Error > DecompositionCheck.Tolerance);
        Assert.Equal("unresolved", check.Verdict);
    }

    [Fact]
    public void A_Missing_Row_Gives_No_Check()
    {
        Assert.Null(DecompositionCheck.Of(50e6, 1e6, null, null, 5e6, 0));
        Assert.Null(DecompositionCheck.Of(50e6, 1e6, 45e6, 1e6, null, null));
        Assert.Null(DecompositionCheck.Of(50e6, 1e6, 45e6, 1e6, 0, 0));
    }
}
