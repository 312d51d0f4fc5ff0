using ScottPlot;

namespace ServingBench.Reports.Charts;

/// <summary>
/// Saves a chart as PNG and SVG with the bundled DejaVu Sans. SkiaSharp's NoDependencies natives (what ScottPlot
/// ships for Linux) see no system fonts, so without this every label on a bare machine renders blank.
/// </summary>
public static class ChartFile
{
    /// <summary>The family name every chart uses; registered once from the font file beside the app.</summary>
    public const string FontName = "DejaVu Sans";

    private static readonly Lazy<bool> FontRegistered = new(RegisterFont);

    /// <summary>Writes <c>{pathWithoutExtension}.png</c> and <c>.svg</c>; returns both paths.</summary>
    public static (string Png, string Svg) Save(Plot plot, string pathWithoutExtension, int width = 900, int height = 540)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentException.ThrowIfNullOrEmpty(pathWithoutExtension);
        UseBundledFont(plot);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string png = pathWithoutExtension + ".png";
        string svg = pathWithoutExtension + ".svg";
        plot.SavePng(png, width, height);
        plot.SaveSvg(svg, width, height);
        return (png, svg);
    }

    /// <summary>Sets every text of <paramref name="plot"/> (title, axes, ticks, legend) to the bundled font.</summary>
    public static void UseBundledFont(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        _ = FontRegistered.Value;
        plot.Font.Set(FontName);
        plot.Legend.FontName = FontName;
    }

    private static bool RegisterFont()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fonts", "DejaVuSans.ttf");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the chart font is missing from the build output: {path}", path);
        }

        Fonts.AddFontFile(FontName, path);
        return true;
    }
}
