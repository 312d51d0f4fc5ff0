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

    [Fact]
    public void Wav2Vec2_Frame_Count_Is_Zero_Below_One_Receptive_Field_Then_The_Logit_Count()
    {
        // The formula itself is checked against the conv stack in AudioPreprocessingTests.
        Assert.Equal(0L, Wav2Vec2.FrameCount(0));
        Assert.Equal(0L, Wav2Vec2.FrameCount(399));
        Assert.Equal(1L, Wav2Vec2.FrameCount(400));
        Assert.Equal(499L, Wav2Vec2.FrameCount(160_000)); // InProcessRunner's 10 s of 16 kHz audio
    }
}
