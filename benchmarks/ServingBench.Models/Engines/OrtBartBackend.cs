using Microsoft.ML.OnnxRuntime;
using ServingBench.Models.Processing;

namespace ServingBench.Models.Engines;

/// <summary>
/// BART on ONNX Runtime in the Optimum layout: the encoder once, decoder_model for the first step (it also
/// returns the cross-attention K/V), decoder_with_past_model for every later step with the cache fed back.
/// </summary>
public sealed class OrtBartBackend : ISeq2SeqBackend
{
    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly InferenceSession _decoderWithPast;
    private readonly RunOptions _runOptions = new();
    private readonly int _layers;
    private readonly int _width;
    private readonly List<OrtValue> _owned = [];
    private OrtValue? _encoderMask;
    private OrtValue? _encoderStates;
    private OrtValue[] _encoderCache = [];
    private OrtValue[] _decoderCache = [];
    private IDisposable? _lastOutputs;
    private IDisposable? _firstOutputs;
    private int _rows;
    private int _sourceLength;

    /// <param name="intraOpThreads">Threads of each session's intra-op pool; 0 keeps ONNX Runtime's default.</param>
    public OrtBartBackend(string directory, Device device, int intraOpThreads = 0)
    {
        _encoder = OrtSessionFactory.Open(Path.Combine(directory, Bart.EncoderFile), device, intraOpThreads);
        _decoder = OrtSessionFactory.Open(Path.Combine(directory, Bart.DecoderFile), device, intraOpThreads);
        _decoderWithPast = OrtSessionFactory.Open(Path.Combine(directory, Bart.DecoderWithPastFile), device, intraOpThreads);
        _layers = _decoder.OutputNames.Count(n => n.EndsWith(".decoder.key", StringComparison.Ordinal));
        var logits = _decoder.OutputMetadata["logits"].Dimensions;
        VocabSize = logits[^1];
        _width = _decoder.InputMetadata["encoder_hidden_states"].Dimensions[^1];
        if (_layers == 0 || VocabSize <= 0 || _width <= 0)
        {
            throw new InvalidDataException($"'{directory}' does not hold a BART decoder in the Optimum layout (present.*.decoder.key outputs, static vocab and width)");
        }
    }

    public int VocabSize { get; }

    public void Start(ReadOnlySpan<long> inputIds, int rows)
    {
        ResetState();
        _rows = rows;
        _sourceLength = inputIds.Length;
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds.ToArray(), [1, inputIds.Length]);
        var ones = new long[inputIds.Length];
        Array.Fill(ones, 1L);
        using var mask = OrtValue.CreateTensorValueFromMemory(ones, [1, inputIds.Length]);
        using var encoded = _encoder.Run(_runOptions, ["input_ids", "attention_mask"], [ids, mask], ["last_hidden_state"]);

        // Beams share one encoding: replicate it per row (the encoder ran once, as HF's generate does).
        var states = encoded[0].GetTensorDataAsSpan<float>();
        var replicated = new float[rows * states.Length];
        var rowMask = new long[rows * inputIds.Length];
        Array.Fill(rowMask, 1L);
        for (int r = 0; r < rows; r++)
        {
            states.CopyTo(replicated.AsSpan(r * states.Length));
        }

        _encoderStates = OrtValue.CreateTensorValueFromMemory(replicated, [rows, inputIds.Length, _width]);
        _encoderMask = OrtValue.CreateTensorValueFromMemory(rowMask, [rows, inputIds.Length]);
    }

    public void Step(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        if (_encoderStates is null || _encoderMask is null)
        {
            throw new InvalidOperationException("Start must be called before Step");
        }

        if (tokens.Length != _rows || logits.Length != _rows * VocabSize)
        {
            throw new ArgumentException($"expected {_rows} tokens and {_rows * VocabSize} logits, got {tokens.Length} and {logits.Length}");
        }

        using var ids = OrtValue.CreateTensorValueFromMemory(tokens.ToArray(), [_rows, 1]);
        bool first = _encoderCache.Length == 0;
        var inputNames = new List<string> { "encoder_attention_mask", "input_ids", "encoder_hidden_states" };
        var inputs = new List<OrtValue> { _encoderMask, ids, _encoderStates };
        if (!first)
        {
            for (int i = 0; i < _layers; i++)
            {
                inputNames.AddRange([$"past_key_values.{i}.decoder.key", $"past_key_values.{i}.decoder.value", $"past_key_values.{i}.encoder.key", $"past_key_values.{i}.encoder.value"]);
                inputs.AddRange([_decoderCache[2 * i], _decoderCache[(2 * i) + 1], _encoderCache[2 * i], _encoderCache[(2 * i) + 1]]);
            }
        }

        var session = first ? _decoder : _decoderWithPast;
        var outputs = session.Run(_runOptions, inputNames, inputs, session.OutputNames);
        var byName = session.OutputNames.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => outputs[p.index]);
        byName["logits"].GetTensorDataAsSpan<float>().CopyTo(logits);
        DisposeOwned(); // reordered cache rows fed to this step are superseded by its presents

        _decoderCache = Enumerable.Range(0, _layers).SelectMany(i => new[] { byName[$"present.{i}.decoder.key"], byName[$"present.{i}.decoder.value"] }).ToArray();
        if (first)
        {
            _encoderCache = Enumerable.Range(0, _layers).SelectMany(i => new[] { byName[$"present.{i}.encoder.key"], byName[$"present.{i}.encoder.value"] }).ToArray();
            _firstOutputs = outputs; // owns the cross-attention cache for the whole sequence
        }
        else
        {
            _lastOutputs?.Dispose();
            _lastOutputs = outputs;
        }
    }

    public void ReorderCache(ReadOnlySpan<int> sources)
    {
        bool identity = true;
        for (int r = 0; r < sources.Length; r++)
        {
            identity &= sources[r] == r;
        }

        if (identity || _decoderCache.Length == 0)
        {
            return;
        }

        // Cross-attention rows are identical across beams; only the self-attention cache needs gathering.
        for (int c = 0; c < _decoderCache.Length; c++)
        {
            var shape = _decoderCache[c].GetTensorTypeAndShape().Shape;
            var data = _decoderCache[c].GetTensorDataAsSpan<float>();
            int rowSize = data.Length / _rows;
            var gathered = new float[data.Length];
            for (int r = 0; r < sources.Length; r++)
            {
                data.Slice(sources[r] * rowSize, rowSize).CopyTo(gathered.AsSpan(r * rowSize));
            }

            _decoderCache[c] = Own(OrtValue.CreateTensorValueFromMemory(gathered, shape));
        }
    }

    public void Dispose()
    {
        ResetState();
        _runOptions.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
        _decoderWithPast.Dispose();
    }

    private OrtValue Own(OrtValue value)
    {
        _owned.Add(value);
        return value;
    }

    private void DisposeOwned()
    {
        foreach (var value in _owned)
        {
            value.Dispose();
        }

        _owned.Clear();
    }

    private void ResetState()
    {
        _lastOutputs?.Dispose();
        _firstOutputs?.Dispose();
        (_lastOutputs, _firstOutputs) = (null, null);
        _encoderStates?.Dispose();
        _encoderMask?.Dispose();
        (_encoderStates, _encoderMask) = (null, null);
        DisposeOwned();
        _encoderCache = [];
        _decoderCache = [];
    }
}
