using ServingBench.Models.Architectures;

namespace ServingBench.Tests.Models;

public sealed class ArchitectureTests
{
    [Theory]
    [InlineData(ModelKind.ResNet50, 25_557_032L)]
    [InlineData(ModelKind.Wav2Vec2, 94_396_320L)]
    [InlineData(ModelKind.Bart, 406_290_432L)]
    public void Real_Architecture_Has_The_Published_Parameter_Count(ModelKind kind, long expected) =>
        Assert.Equal(expected, ModelArchitecture.Create(kind, ModelSize.Real).CountParameters());

    [Theory]
    [InlineData(400, 1)]
    [InlineData(719, 1)]
    [InlineData(720, 2)]
    [InlineData(80_000, 249)]
    [InlineData(160_000, 499)]
    public void Wav2Vec2_Frame_Count_Follows_The_Closed_Form(long samples, long frames) =>
        Assert.Equal(frames, Wav2Vec2.FrameCount(samples));

    [Fact]
    public void Wav2Vec2_Closed_Form_Matches_The_Conv_Stack()
    {
        int[] kernels = [10, 3, 3, 3, 3, 2, 2];
        int[] strides = [5, 2, 2, 2, 2, 2, 2];
        for (long n = 400; n < 20_000; n += 7)
        {
            long length = n;
            for (int i = 0; i < kernels.Length; i++)
            {
                length = ((length - kernels[i]) / strides[i]) + 1;
            }

            Assert.Equal(length, Wav2Vec2.FrameCount(n));
        }
    }
}
