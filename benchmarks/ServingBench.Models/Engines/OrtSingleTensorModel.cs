using Microsoft.ML.OnnxRuntime;

namespace ServingBench.Models.Engines;

/// <summary>
/// A one-float-input, one-float-output model (ResNet50, Wav2Vec2) with its input and output buffers pinned
/// once, so <see cref="Run"/> is the model call only. Names come from the file.
/// </summary>
public sealed class OrtSingleTensorModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    public OrtSingleTensorModel(string path, Device device, float[] input, long[] inputShape, long[] outputShape)
    {
        ArgumentNullException.ThrowIfNull(input);
        _session = OrtSessionFactory.Open(path, device);
        if (_session.InputNames.Count != 1 || _session.OutputNames.Count < 1)
        {
            _session.Dispose();
            throw new InvalidDataException($"'{path}' has {_session.InputNames.Count} inputs and {_session.OutputNames.Count} outputs; expected one float input and a float output");
        }

        _inputNames = [_session.InputNames[0]];
        _outputNames = [_session.OutputNames[0]];
        Output = new float[outputShape.Aggregate(1L, (a, b) => a * b)];
        _input = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(Output, outputShape);
        _inputs = [_input];
        _outputs = [_output];
    }

    public string InputName => _inputNames[0];

    public string OutputName => _outputNames[0];

    /// <summary>The output buffer, overwritten by each <see cref="Run"/>.</summary>
    public float[] Output { get; }

    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
