using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ServingBench.Wire.Text;

namespace ServingBench.Tests.Text;

/// <summary>
/// Schubfach's four-lane step must give the scalar step's digits for every float it takes. Once, offline, every
/// normal float was compared (2,130,705,420 values, no difference: docs/number-text.md); here each of the 254
/// binades is checked at its edges and at random significands, in groups of four with different exponents.
/// </summary>
public class SchubfachFourLaneTests
{
    private const int Seed = 2020; // same seed, repeatable results
    private const int RandomPerBinade = 2_000;

    [Fact]
    public void Four_Lanes_Give_The_Scalar_Digits_In_Every_Binade()
    {
        if (!Avx2.IsSupported)
        {
            return; // the codecs call the four-lane step only where AVX2 exists (every machine this suite has met)
        }

        var random = new Random(Seed);
        var magnitudes = new List<uint>();
        for (uint biased = 1; biased <= 254; biased++)
        {
            foreach (uint significand in new uint[] { 1, 2, 3, 0x7F_FFFF, 0x7F_FFFE, 0x40_0000, 0x3F_FFFF })
            {
                magnitudes.Add((biased << 23) | significand);
            }

            for (int i = 0; i < RandomPerBinade; i++)
            {
                magnitudes.Add((biased << 23) | (uint)random.Next(1, 1 << 23));
            }
        }

        // The smallest normal is a power of two that the ordinary step takes (its lower neighbour is a subnormal).
        magnitudes.Add(0x0080_0000);

        // Shuffled, so that each group of four mixes binades as a real tensor's values do.
        uint[] shuffled = [.. magnitudes.OrderBy(_ => random.Next())];
        int compared = 0;
        for (int i = 0; i + 4 <= shuffled.Length; i += 4)
        {
            var four = Vector256.Create((ulong)shuffled[i], shuffled[i + 1], shuffled[i + 2], shuffled[i + 3]);
            Assert.True(Schubfach.TakesFourSingles(four));
            var (significands, exponents) = Schubfach.FourSinglesUntrimmed(four);
            for (int lane = 0; lane < 4; lane++)
            {
                uint expected = Schubfach.SingleUntrimmed(shuffled[i + lane], out int exponent);
                Assert.True(
                    expected == significands.GetElement(lane) && exponent == (int)(long)exponents.GetElement(lane),
                    $"{BitConverter.UInt32BitsToSingle(shuffled[i + lane]):R}: scalar {expected}e{exponent}, four lanes {significands.GetElement(lane)}e{(long)exponents.GetElement(lane)}");
                compared++;
            }
        }

        Assert.True(compared > 254 * RandomPerBinade, $"only {compared} values compared");
    }

    [Theory]
    [InlineData(0x0100_0000u)] // 2^-125: a power of two, which the scalar step treats apart (all but the smallest normal)
    [InlineData(0x3F80_0000u)] // 1.0
    [InlineData(0x0000_0001u)] // a subnormal
    [InlineData(0x7F80_0000u)] // Infinity
    [InlineData(0x7FC0_0000u)] // NaN
    [InlineData(0x0000_0000u)] // zero
    public void Four_Lanes_Decline_Powers_Of_Two_And_What_Is_Not_A_Normal_Float(uint odd)
    {
        var four = Vector256.Create(0x3F80_0001UL, odd, 0x4000_1234UL, 0x3E00_0007UL);
        Assert.False(Schubfach.TakesFourSingles(four));
    }
}
