using ScottPlot;
using ServingBench.Reports.Charts;
using SkiaSharp;

namespace ServingBench.Tests.Reports;

/// <summary>Charts carry readable text on a bare machine: the bundled font renders glyphs, not blank boxes.</summary>
public sealed class ChartFileTests
{
    [Fact]
    public void Save_Writes_Png_And_Svg_With_Rendered_Text()
    {
        string directory = Directory.CreateTempSubdirectory("servingbench-chart-").FullName;
        try
        {
            var titled = new Plot();
            titled.Add.Scatter(new double[] { 1, 10, 100 }, new double[] { 5, 40, 45 });
            titled.Title("Requests per second against users");
            titled.XLabel("users");
            titled.YLabel("requests/s");
            var (png, svg) = ChartFile.Save(titled, Path.Combine(directory, "titled"), 600, 400);

            var untitled = new Plot();
            untitled.Add.Scatter(new double[] { 1, 10, 100 }, new double[] { 5, 40, 45 });
            untitled.Axes.Left.TickLabelStyle.IsVisible = false;
            untitled.Axes.Bottom.TickLabelStyle.IsVisible = false;
            var (bare, _) = ChartFile.Save(untitled, Path.Combine(directory, "untitled"), 600, 400);

            Assert.Contains("requests/s", File.ReadAllText(svg), StringComparison.Ordinal);
            // Text shows as dark pixels: the titled chart has far more of them than the same chart without any text.
            Assert.True(DarkPixels(png) > DarkPixels(bare) + 500, $"titled {DarkPixels(png)} vs untitled {DarkPixels(bare)} dark pixels");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Pixels dark enough to be text or lines.</summary>
    internal static int DarkPixels(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        int dark = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                dark += pixel.Red + pixel.Green + pixel.Blue < 200 ? 1 : 0;
            }
        }

        return dark;
    }
}

/// <summary>Load charts never draw two series in one colour while the palette lasts, and agree across charts.</summary>
public sealed class SeriesColourTests
{
    [Fact]
    public void Series_Get_Distinct_Colours_That_Depend_Only_On_The_Set()
    {
        // These two collided in the published load chart (one FNV hash slot of Category10).
        string[] series = ["torchserve-rest-raw/bart-text/onnx", "torchserve-rest-raw/resnet50-tensor/onnx", "triton-grpc-raw/resnet50-tensor/onnx"];
        var colours = ServingBench.Reports.Charts.LoadCharts.SeriesColours(series);
        var reversed = ServingBench.Reports.Charts.LoadCharts.SeriesColours(series.Reverse());

        Assert.Equal(series.Length, series.Select(s => colours(s)).Distinct().Count());
        Assert.All(series, s => Assert.Equal(colours(s), reversed(s)));
        Assert.Equal(colours(series[0]), colours(series[0] + " users 4")); // a percentile curve's label
    }
}
