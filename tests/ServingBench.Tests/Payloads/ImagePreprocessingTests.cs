using ServingBench.Payloads.Images;

namespace ServingBench.Tests.Payloads;

public class ImagePreprocessingTests
{
    private static float[] CatTensor() =>
        ImagePreprocessing.FromJpeg(FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg), FixtureFiles.CatJpeg);

    [Fact]
    public void Cat_Photo_Decodes_At_Its_Real_Size()
    {
        var image = JpegDecoder.Decode(FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg), FixtureFiles.CatJpeg);
        Assert.Equal((451, 300), (image.Width, image.Height));
        Assert.Equal(451 * 300 * 3, image.Pixels.Length);
    }

    [Theory]
    [InlineData(451, 300, 384, 256, 80, 16)]
    [InlineData(600, 400, 384, 256, 80, 16)]
    [InlineData(300, 451, 256, 384, 16, 80)]
    [InlineData(256, 256, 256, 256, 16, 16)]
    [InlineData(1000, 999, 256, 256, 16, 16)]
    [InlineData(225, 100, 576, 256, 176, 16)]
    public void Resize_And_Crop_Follow_Torchvision(int width, int height, int resizedWidth, int resizedHeight, int left, int top)
    {
        Assert.Equal((resizedWidth, resizedHeight), ImagePreprocessing.ResizedSize(width, height));
        Assert.Equal(left, ImagePreprocessing.CropOffset(resizedWidth));
        Assert.Equal(top, ImagePreprocessing.CropOffset(resizedHeight));
    }

    [Fact]
    public void Cat_Tensor_Is_224_Square_NCHW()
    {
        Assert.Equal([1, 3, 224, 224], ImagePreprocessing.TensorShape);
        Assert.Equal(3 * 224 * 224, CatTensor().Length);
    }

    [Fact]
    public void Cat_Tensor_Channel_Statistics_Are_Plausible()
    {
        var values = CatTensor();
        const int plane = 224 * 224;
        for (int c = 0; c < 3; c++)
        {
            var channel = values.AsSpan(c * plane, plane).ToArray();
            Assert.All(channel, v => Assert.True(float.IsFinite(v)));
            double mean = channel.Average();
            double std = Math.Sqrt(channel.Average(v => (v - mean) * (v - mean)));

            // Normalised pixels lie within (0−mean)/std … (1−mean)/std, about −2.1 … 2.6.
            Assert.InRange(channel.Min(), -2.2f, 2.7f);
            Assert.InRange(channel.Max(), -2.2f, 2.7f);
            Assert.InRange(mean, -1.0, 1.0);
            Assert.InRange(std, 0.2, 2.0);
        }
    }

    [Fact]
    public void Cat_Tensor_Matches_Pil_Resampling_Of_The_Same_Pixels()
    {
        // Reference: PIL 9.4 Image.resize((384, 256), BILINEAR) + crop of the StbImageSharp-decoded pixels, then /255
        // and mean/std in numpy. PIL rounds to 8 bits after each pass, so single values may differ by ~1/255 (÷std).
        var values = CatTensor();
        const int plane = 224 * 224;
        (int C, int Y, int X, float Value)[] golden = [(0, 0, 0, 0.81043f), (1, 112, 112, 0.64286f), (2, 223, 223, 0.79251f), (0, 50, 180, 0.46793f), (1, 200, 30, -0.53011f)];
        foreach (var (c, y, x, expected) in golden)
        {
            Assert.Equal(expected, values[(c * plane) + (y * 224) + x], 0.02f);
        }

        double[] channelMeans = [0.39115, -0.18584, -0.51764];
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(channelMeans[c], values.AsSpan(c * plane, plane).ToArray().Average(), 0.002);
        }
    }

    [Fact]
    public void Preprocessing_Is_Deterministic()
    {
        var first = CatTensor();
        var second = CatTensor();
        Assert.True(first.AsSpan().SequenceEqual(second));
    }

    [Fact]
    public void Uniform_Image_Maps_To_Its_Normalised_Colour()
    {
        // A constant image must stay constant through any weight set that sums to one.
        int width = 451, height = 300;
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)255, (byte)128, (byte)0);
        }

        var values = new float[ImagePreprocessing.TensorLength];
        ImagePreprocessing.ToNchw(rgb, width, height, values);
        const int plane = 224 * 224;
        float[] expected = [(1f - 0.485f) / 0.229f, ((128f / 255f) - 0.456f) / 0.224f, (0f - 0.406f) / 0.225f];
        for (int c = 0; c < 3; c++)
        {
            Assert.All(values.AsSpan(c * plane, plane).ToArray(), v => Assert.Equal(expected[c], v, 1e-4f));
        }
    }

    [Fact]
    public void Downscale_Averages_Over_The_Widened_Filter()
    {
        // Vertical stripes one pixel wide, shrunk 4×: antialiasing blends them to mid grey; plain bilinear would alias.
        int width = 1024, height = 1024;
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x += 2)
            {
                rgb.AsSpan(((y * width) + x) * 3, 3).Fill(255);
            }
        }

        var values = new float[ImagePreprocessing.TensorLength];
        ImagePreprocessing.ToNchw(rgb, width, height, values);
        float grey = (0.5f - 0.485f) / 0.229f;
        Assert.All(values.AsSpan(0, 224 * 224).ToArray(), v => Assert.Equal(grey, v, 0.02f));
    }

    [Fact]
    public void Truncated_Jpeg_Is_Rejected_With_A_Clear_Error()
    {
        var jpeg = FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg);
        var ex = Assert.Throws<WireFormatException>(() => ImagePreprocessing.FromJpeg(jpeg.AsMemory(0, jpeg.Length / 2), "cat-half.jpg"));
        Assert.Contains("cat-half.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jpeg_Cut_Inside_Its_Headers_Is_Rejected()
    {
        var jpeg = FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg);
        var ex = Assert.Throws<WireFormatException>(() => JpegDecoder.Decode(jpeg.AsMemory(0, 30), "cut.jpg"));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Garbage_Is_Not_A_Jpeg(int length)
    {
        var garbage = new byte[length];
        new Random(12345).NextBytes(garbage);
        var ex = Assert.Throws<WireFormatException>(() => JpegDecoder.Decode(garbage, "garbage.bin"));
        Assert.Contains("garbage.bin", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a JPEG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_Scan_Data_Gives_A_Wire_Error_Or_An_Image_Never_A_Crash()
    {
        var jpeg = FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg);
        var random = new Random(12345);
        for (int trial = 0; trial < 20; trial++)
        {
            var copy = (byte[])jpeg.Clone();
            for (int i = 0; i < 50; i++)
            {
                copy[random.Next(2, copy.Length - 2)] = (byte)random.Next(256);
            }

            try
            {
                Assert.Equal(ImagePreprocessing.TensorLength, ImagePreprocessing.FromJpeg(copy, "corrupt.jpg").Length);
            }
            catch (WireFormatException ex)
            {
                Assert.Contains("corrupt.jpg", ex.Message, StringComparison.Ordinal);
            }
        }
    }
}
