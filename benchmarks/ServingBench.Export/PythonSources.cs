namespace ServingBench.Export;

/// <summary>The Python files the export writes next to the models, carried inside this assembly (Python/*.py).</summary>
public static class PythonSources
{
    /// <summary>Preprocessing and answers in numpy and the standard library (the part the tests run).</summary>
    public const string Processing = "servingbench_processing.py";

    /// <summary>BART's greedy loop over the three ONNX parts.</summary>
    public const string Generation = "servingbench_generation.py";

    /// <summary>The TorchServe handler (module-level <c>handle</c>).</summary>
    public const string TorchServeHandler = "servingbench_handler.py";

    /// <summary>Triton's Python-backend <c>bart</c> model; written as model.py.</summary>
    public const string TritonBartModel = "triton_bart_model.py";

    public static IReadOnlyList<string> All { get; } = [Processing, Generation, TorchServeHandler, TritonBartModel];

    public static byte[] Read(string name)
    {
        using var stream = typeof(PythonSources).Assembly.GetManifestResourceStream("python/" + name)
            ?? throw new InvalidOperationException($"'{name}' is not embedded in {typeof(PythonSources).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static void Write(string name, string path) => File.WriteAllBytes(path, Read(name));
}
