using Google.Protobuf;

namespace ServingBench.Models.Onnx;

/// <summary>Builds each part of an architecture and writes it as an .onnx file (atomically: temp file, then rename).</summary>
public static class OnnxModelWriter
{
    /// <summary>Protobuf messages cap at 2 GB; each part must stay below (BART's largest is ≈1 GB).</summary>
    private const long MaxModelBytes = int.MaxValue;

    public static IReadOnlyList<string> Write(ModelArchitecture architecture, string directory, Action<string>? onPart = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var part in architecture.Parts)
        {
            onPart?.Invoke(part.FileName);
            string path = Path.Combine(directory, part.FileName);
            var model = part.Build(true).ToModel(new Dictionary<string, string>
            {
                ["servingbench.model"] = architecture.Name,
                ["servingbench.seed"] = ModelBuildInfo.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            long size = model.CalculateSize();
            if (size >= MaxModelBytes)
            {
                throw new InvalidOperationException($"{architecture.Name}/{part.FileName} would be {size} bytes, over the 2 GB protobuf limit");
            }

            string temp = path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                model.WriteTo(stream);
            }

            File.Move(temp, path, overwrite: true);
            paths.Add(path);
        }

        return paths;
    }
}
