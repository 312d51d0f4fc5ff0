using ServingBench.Models.Processing;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>BART encoder and cached decoder in TorchSharp over the Optimum files' weights.</summary>
public sealed class TorchBartBackend : ISeq2SeqBackend
{
    /// <summary>Key of a layer's fused self-attention q/k/v projection in <see cref="_stepLinears"/>.</summary>
    private const string SelfProjections = "self_attn.qkv";

    private readonly TorchWeights _weights;
    private readonly Bart _architecture;
    private readonly ColumnSplitLinear _lmHead;

    /// <summary>The decoder weights a step multiplies by, in the layout that spreads one-row products over the cores.</summary>
    private readonly Dictionary<string, ColumnSplitLinear> _stepLinears = new(StringComparer.Ordinal);

    private Tensor? _encoderStates;
    private Tensor[] _crossKeys = [];
    private Tensor[] _crossValues = [];
    private Tensor[] _selfKeys = [];
    private Tensor[] _selfValues = [];
    private int _rows;
    private long _past;

    public TorchBartBackend(string directory, Bart architecture, Device device)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        _architecture = architecture;
        _weights = new TorchWeights([Path.Combine(directory, Bart.EncoderFile), Path.Combine(directory, Bart.DecoderFile)], device);
        using (var embeddingTransposed = _weights["model.shared.weight"].t())
        using (var logitsBias = _weights["final_logits_bias"].flatten())
        {
            _lmHead = new ColumnSplitLinear(embeddingTransposed, logitsBias, ColumnSplitLinear.PartsFor(architecture.VocabSize, _weights.Device));
        }

        for (int layer = 0; layer < architecture.LayerCount; layer++)
        {
            // A step's self-attention q, k and v read the same input: one product over the three weights side by
            // side streams 12 MB at once instead of three 4 MB pieces, each a round of thread fork and join.
            string prefix = $"model.decoder.layers.{layer}";
            string[] projections = [$"{prefix}.self_attn.q_proj", $"{prefix}.self_attn.k_proj", $"{prefix}.self_attn.v_proj"];
            AddStepLinear($"{prefix}.{SelfProjections}", projections);
            foreach (string name in (string[])["self_attn.out_proj", "encoder_attn.q_proj", "encoder_attn.out_proj", "fc1", "fc2"])
            {
                AddStepLinear($"{prefix}.{name}", [$"{prefix}.{name}"]);
            }
        }

        VocabSize = architecture.VocabSize;
    }

    public int VocabSize { get; }

    public Tensor Encode(ReadOnlySpan<long> inputIds)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ids = torch.tensor(inputIds.ToArray(), [1, inputIds.Length], device: _weights.Device);
        var h = Embed("model.encoder", ids, 0);
        for (int i = 0; i < _architecture.LayerCount; i++)
        {
            string prefix = $"model.encoder.layers.{i}";
            var attention = Attention(Project(h, $"{prefix}.self_attn.q_proj"), Project(h, $"{prefix}.self_attn.k_proj"), Project(h, $"{prefix}.self_attn.v_proj"), null, $"{prefix}.self_attn.out_proj");
            h = TorchLayers.LayerNorm(_weights, h + attention, $"{prefix}.self_attn_layer_norm");
            h = FeedForward(h, prefix);
        }

        return scope.MoveToOuter(h);
    }

    public void Start(ReadOnlySpan<long> inputIds, int rows)
    {
        ResetState();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        _rows = rows;
        _past = 0;
        var encoded = Encode(inputIds);
        _encoderStates = encoded.expand(rows, -1, -1).contiguous().DetachFromDisposeScope();

        // Cross-attention K/V once per sequence, as decoder_model.onnx's present.*.encoder outputs.
        int layers = _architecture.LayerCount;
        (_crossKeys, _crossValues, _selfKeys, _selfValues) = (new Tensor[layers], new Tensor[layers], new Tensor[layers], new Tensor[layers]);
        for (int i = 0; i < layers; i++)
        {
            string prefix = $"model.decoder.layers.{i}";
            _crossKeys[i] = Project(_encoderStates, $"{prefix}.encoder_attn.k_proj").DetachFromDisposeScope();
            _crossValues[i] = Project(_encoderStates, $"{prefix}.encoder_attn.v_proj").DetachFromDisposeScope();
        }
    }

    public void Step(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        if (_encoderStates is null)
        {
            throw new InvalidOperationException("Start must be called before Step");
        }

        if (tokens.Length != _rows || logits.Length != _rows * VocabSize)
        {
            throw new ArgumentException($"expected {_rows} tokens and {_rows * VocabSize} logits, got {tokens.Length} and {logits.Length}");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var h = Embed("model.decoder", torch.tensor(tokens.ToArray(), [_rows, 1], device: _weights.Device), _past);
        for (int i = 0; i < _architecture.LayerCount; i++)
        {
            string prefix = $"model.decoder.layers.{i}";
            var qkv = _stepLinears[$"{prefix}.{SelfProjections}"].Forward(h).chunk(3, -1);
            var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
            if (_past > 0)
            {
                k = torch.cat([_selfKeys[i], k], 2);
                v = torch.cat([_selfValues[i], v], 2);
            }

            Keep(ref _selfKeys[i], k);
            Keep(ref _selfValues[i], v);
            h = TorchLayers.LayerNorm(_weights, h + Attention(q, k, v, null, $"{prefix}.self_attn.out_proj"), $"{prefix}.self_attn_layer_norm");
            h = TorchLayers.LayerNorm(_weights, h + Attention(Project(h, $"{prefix}.encoder_attn.q_proj"), _crossKeys[i], _crossValues[i], null, $"{prefix}.encoder_attn.out_proj"), $"{prefix}.encoder_attn_layer_norm");
            h = FeedForward(h, prefix);
        }

        var output = _lmHead.Forward(h.reshape(_rows, -1));
        TorchRuntime.CopyToHost(output, logits);
        _past++;
    }

    public void ReorderCache(ReadOnlySpan<int> sources)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var index = torch.tensor(sources.ToArray().Select(s => (long)s).ToArray(), device: _weights.Device);
        for (int i = 0; i < _selfKeys.Length; i++)
        {
            Keep(ref _selfKeys[i], _selfKeys[i].index_select(0, index));
            Keep(ref _selfValues[i], _selfValues[i].index_select(0, index));
        }
    }

    public void Dispose()
    {
        ResetState();
        _lmHead.Dispose();
        foreach (var linear in _stepLinears.Values)
        {
            linear.Dispose();
        }

        _weights.Dispose();
    }

    /// <summary>Takes a cache tensor out of the step's dispose scope, disposing the one it replaces.</summary>
    private static void Keep(ref Tensor slot, Tensor value)
    {
        var previous = slot;
        slot = value.DetachFromDisposeScope();
        previous?.Dispose();
    }

    private void ResetState()
    {
        foreach (var tensor in _crossKeys.Concat(_crossValues).Concat(_selfKeys).Concat(_selfValues))
        {
            tensor?.Dispose();
        }

        _encoderStates?.Dispose();
        _encoderStates = null;
        (_crossKeys, _crossValues, _selfKeys, _selfValues) = ([], [], [], []);
    }

    private Tensor Embed(string prefix, Tensor ids, long start)
    {
        var tokens = _weights["model.shared.weight"].index_select(0, ids.flatten()).reshape(ids.shape[0], ids.shape[1], -1);
        var positions = _weights[$"{prefix}.embed_positions.weight"].narrow(0, start + 2, ids.shape[1]);
        return TorchLayers.LayerNorm(_weights, tokens + positions, $"{prefix}.layernorm_embedding");
    }

    /// <summary>
    /// Re-lays the named projections (concatenated along their outputs when there are several) for one-row
    /// products and drops the originals: the split copy replaces them, BART's decoder being 0.9 GB. Covers every
    /// decoder projection a cached step uses, not the cross-attention K/V, computed once in Start.
    /// </summary>
    private void AddStepLinear(string key, string[] prefixes)
    {
        using (var scope = torch.NewDisposeScope())
        {
            var weight = torch.cat(prefixes.Select(p => _weights[$"{p}.weight"]).ToList(), 1);
            var bias = torch.cat(prefixes.Select(p => _weights[$"{p}.bias"]).ToList(), 0);
            _stepLinears[key] = new ColumnSplitLinear(weight, bias, ColumnSplitLinear.PartsFor(weight.shape[1], _weights.Device));
        }

        foreach (string prefix in prefixes)
        {
            _weights.Remove($"{prefix}.weight");
        }
    }

    private Tensor Heads(Tensor x) => TorchLayers.SplitHeads(x, _architecture.Heads, _architecture.HeadDim);

    private Tensor Linear(Tensor x, string prefix) =>
        _stepLinears.TryGetValue(prefix, out var split) ? split.Forward(x) : TorchLayers.Linear(_weights, x, prefix);

    private Tensor Project(Tensor x, string prefix) => Heads(Linear(x, prefix));

    private Tensor Attention(Tensor q, Tensor k, Tensor v, Tensor? mask, string outPrefix) =>
        Linear(TorchLayers.MergeHeads(TorchLayers.Attend(q, k, v, _architecture.HeadDim, mask)), outPrefix);

    private Tensor FeedForward(Tensor h, string prefix)
    {
        var ff = Linear(F.gelu(Linear(h, $"{prefix}.fc1")), $"{prefix}.fc2");
        return TorchLayers.LayerNorm(_weights, h + ff, $"{prefix}.final_layer_norm");
    }
}
