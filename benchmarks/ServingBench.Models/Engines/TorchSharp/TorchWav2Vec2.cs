using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>Wav2Vec2ForCTC forward in TorchSharp over the ONNX file's weights (weight norm applied once at load).</summary>
public sealed class TorchWav2Vec2
{
    private static readonly long[] ConvKernels = [10, 3, 3, 3, 3, 2, 2];
    private static readonly long[] ConvStrides = [5, 2, 2, 2, 2, 2, 2];
    private readonly TorchWeights _weights;
    private readonly Wav2Vec2 _architecture;
    private readonly Tensor _positionWeight;

    public TorchWav2Vec2(TorchWeights weights, Wav2Vec2 architecture)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = weights;
        _architecture = architecture;
        const string prefix = "wav2vec2.encoder.pos_conv_embed.conv";
        using var scope = torch.NewDisposeScope();
        var v = weights[$"{prefix}.weight_v"];
        _positionWeight = (v * (weights[$"{prefix}.weight_g"] / v.square().sum([0, 1], keepdim: true).sqrt())).DetachFromDisposeScope();
    }

    public Tensor Forward(Tensor input)
    {
        var x = input.unsqueeze(1);
        for (int i = 0; i < ConvKernels.Length; i++)
        {
            string prefix = $"wav2vec2.feature_extractor.conv_layers.{i}";
            x = F.conv1d(x, _weights[$"{prefix}.conv.weight"], null, ConvStrides[i]);
            if (i == 0)
            {
                x = F.group_norm(x, _architecture.ConvDim, _weights[$"{prefix}.layer_norm.weight"], _weights[$"{prefix}.layer_norm.bias"], 1e-5);
            }

            x = F.gelu(x);
        }

        x = x.transpose(1, 2);
        x = LayerNorm(x, "wav2vec2.feature_projection.layer_norm");
        var h = Linear(x, "wav2vec2.feature_projection.projection");

        var position = F.conv1d(h.transpose(1, 2), _positionWeight, _weights["wav2vec2.encoder.pos_conv_embed.conv.bias"],
            padding: Wav2Vec2.PositionKernel / 2, groups: Wav2Vec2.PositionGroups);
        position = F.gelu(position[.., .., ..^1]).transpose(1, 2);
        h = LayerNorm(h + position, "wav2vec2.encoder.layer_norm");

        long heads = _architecture.Heads;
        long headDim = _architecture.Hidden / heads;
        for (int i = 0; i < _architecture.LayerCount; i++)
        {
            string prefix = $"wav2vec2.encoder.layers.{i}";
            var q = TorchLayers.SplitHeads(Linear(h, $"{prefix}.attention.q_proj"), heads, headDim);
            var k = TorchLayers.SplitHeads(Linear(h, $"{prefix}.attention.k_proj"), heads, headDim);
            var v = TorchLayers.SplitHeads(Linear(h, $"{prefix}.attention.v_proj"), heads, headDim);
            var context = TorchLayers.MergeHeads(TorchLayers.Attend(q, k, v, headDim, null));
            h = LayerNorm(h + Linear(context, $"{prefix}.attention.out_proj"), $"{prefix}.layer_norm");
            var ff = Linear(F.gelu(Linear(h, $"{prefix}.feed_forward.intermediate_dense")), $"{prefix}.feed_forward.output_dense");
            h = LayerNorm(h + ff, $"{prefix}.final_layer_norm");
        }

        return Linear(h, "lm_head");
    }

    private Tensor Linear(Tensor x, string prefix) => TorchLayers.Linear(_weights, x, prefix);

    private Tensor LayerNorm(Tensor x, string prefix) => TorchLayers.LayerNorm(_weights, x, prefix);
}

/// <summary>Shared transformer pieces, matching <see cref="Architectures"/>' ONNX layer blocks op for op.</summary>
internal static class TorchLayers
{
    /// <summary>
    /// x·W + b, W stored [in, out] as in the ONNX file. One addmm over the flattened rows: the bias rides in the
    /// product instead of a second pass, and a decode step (one row) runs ≈ 40 fewer ops per BART layer stack.
    /// </summary>
    public static Tensor Linear(TorchWeights weights, Tensor x, string prefix)
    {
        var weight = weights[$"{prefix}.weight"];
        long[] shape = x.shape;
        var y = torch.addmm(weights[$"{prefix}.bias"], x.reshape(-1, shape[^1]), weight, 1, 1);
        shape[^1] = weight.shape[1];
        return y.reshape(shape);
    }

    public static Tensor LayerNorm(TorchWeights weights, Tensor x, string prefix) =>
        F.layer_norm(x, [x.shape[^1]], weights[$"{prefix}.weight"], weights[$"{prefix}.bias"], 1e-5);

    public static Tensor SplitHeads(Tensor x, long heads, long headDim) =>
        x.reshape(x.shape[0], -1, heads, headDim).transpose(1, 2);

    public static Tensor MergeHeads(Tensor x) =>
        x.transpose(1, 2).reshape(x.shape[0], -1, x.shape[1] * x.shape[3]);

    public static Tensor Attend(Tensor q, Tensor k, Tensor v, long headDim, Tensor? mask)
    {
        var scores = torch.matmul(q * (1.0 / Math.Sqrt(headDim)), k.transpose(2, 3));
        if (mask is not null)
        {
            scores = scores + mask;
        }

        return torch.matmul(scores.softmax(-1), v);
    }
}
