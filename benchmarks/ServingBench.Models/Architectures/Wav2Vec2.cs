using ServingBench.Payloads.Audio;

namespace ServingBench.Models.Architectures;

/// <summary>
/// facebook/wav2vec2-base-960h (Wav2Vec2ForCTC): input_values [B,N] → logits [B,T,32], T = floor((N−400)/320)+1.
/// Names follow the HF state dict so TorchSharp can load by name.
/// </summary>
public sealed class Wav2Vec2(ModelSize size) : ModelArchitecture
{
    public const string FileName = "model.onnx";
    public const int VocabSize = 32;

    private static readonly int[] ConvKernels = [10, 3, 3, 3, 3, 2, 2];
    private static readonly int[] ConvStrides = [5, 2, 2, 2, 2, 2, 2];

    public override ModelKind Kind => ModelKind.Wav2Vec2;

    public override ModelSize Size => size;

    public int ConvDim => size == ModelSize.Real ? 512 : 16;

    public int Hidden => size == ModelSize.Real ? 768 : 32;

    public int LayerCount => size == ModelSize.Real ? 12 : 2;

    public int Heads => size == ModelSize.Real ? 12 : 4;

    public int Intermediate => size == ModelSize.Real ? 3072 : 64;

    public const int PositionKernel = 128;
    public const int PositionGroups = 16;

    public override IReadOnlyList<ModelPart> Parts => [new ModelPart(FileName, BuildGraph)];

    /// <summary>
    /// Frames for <paramref name="samples"/> input samples (0 below one receptive field): the preprocessing's logit count,
    /// so the conv stack's arithmetic has one home, tested layer by layer there.
    /// </summary>
    public static long FrameCount(long samples) =>
        samples < AudioPreprocessing.ReceptiveField ? 0 : AudioPreprocessing.LogitFrames(checked((int)samples));

    private OnnxGraph BuildGraph(bool materialize)
    {
        var graph = new OnnxGraph("wav2vec2", materialize, ModelBuildInfo.Seed);
        var layers = new Layers(graph);
        graph.Input("input_values", TensorProto.Types.DataType.Float, "batch_size", "sequence_length");

        // Feature encoder: 7 bias-free convs, GroupNorm(C groups) on the first only (= InstanceNormalization).
        string x = graph.Op("Unsqueeze", ["input_values", graph.ConstInt64(1)]);
        long inChannels = 1;
        for (int i = 0; i < ConvKernels.Length; i++)
        {
            string prefix = $"wav2vec2.feature_extractor.conv_layers.{i}";
            double std = Math.Sqrt(2.0 / (inChannels * ConvKernels[i]));
            string weight = graph.Param($"{prefix}.conv.weight", [ConvDim, inChannels, ConvKernels[i]], WeightInit.WithStd(std));
            x = graph.Op("Conv", [x, weight], null, Attr.Ints("kernel_shape", ConvKernels[i]), Attr.Ints("strides", ConvStrides[i]));
            if (i == 0)
            {
                string scale = graph.Param($"{prefix}.layer_norm.weight", [ConvDim], WeightInit.Ones);
                string bias = graph.Param($"{prefix}.layer_norm.bias", [ConvDim], WeightInit.Zeros);
                x = graph.Op("InstanceNormalization", [x, scale, bias], null, Attr.Float("epsilon", 1e-5f));
            }

            x = layers.Gelu(x);
            inChannels = ConvDim;
        }

        x = graph.Op("Transpose", [x], null, Attr.Ints("perm", 0, 2, 1));
        x = layers.LayerNorm(x, "wav2vec2.feature_projection.layer_norm", ConvDim);
        string h = layers.Linear(x, "wav2vec2.feature_projection.projection", ConvDim, Hidden, 0.02);
        graph.DeclareUnused("wav2vec2.masked_spec_embed", [Hidden]);

        h = graph.Op("Add", [h, PositionalConv(layers, h)]);
        h = layers.LayerNorm(h, "wav2vec2.encoder.layer_norm", Hidden);
        for (int i = 0; i < LayerCount; i++)
        {
            h = EncoderLayer(layers, h, $"wav2vec2.encoder.layers.{i}");
        }

        string logits = layers.Linear(h, "lm_head", Hidden, VocabSize, 0.02);
        graph.Op("Identity", [logits], "logits");
        graph.Output("logits", TensorProto.Types.DataType.Float, "batch_size", "sequence_length", VocabSize);
        return graph;
    }

    /// <summary>Weight-normed grouped conv (k 128, pad 64), last frame dropped, GELU; weight = g·v/‖v‖ over dims 0,1.</summary>
    private string PositionalConv(Layers layers, string h)
    {
        var graph = layers.Graph;
        const string prefix = "wav2vec2.encoder.pos_conv_embed.conv";
        long perGroup = Hidden / PositionGroups;
        string g = graph.Param($"{prefix}.weight_g", [1, 1, PositionKernel], WeightInit.Ones);
        string v = graph.Param($"{prefix}.weight_v", [Hidden, perGroup, PositionKernel],
            WeightInit.WithStd(Math.Sqrt(4.0 / (PositionKernel * Hidden))));
        string bias = graph.Param($"{prefix}.bias", [Hidden], WeightInit.Zeros);
        string norm = graph.Op("ReduceL2", [v], null, Attr.Ints("axes", 0, 1), Attr.Int("keepdims", 1));
        string weight = graph.Op("Mul", [v, graph.Op("Div", [g, norm])]);

        string channelsFirst = graph.Op("Transpose", [h], null, Attr.Ints("perm", 0, 2, 1));
        string conv = graph.Op("Conv", [channelsFirst, weight, bias], null,
            Attr.Ints("kernel_shape", PositionKernel), Attr.Ints("pads", PositionKernel / 2, PositionKernel / 2), Attr.Int("group", PositionGroups));
        string trimmed = graph.Op("Slice", [conv, graph.ConstInt64(0), graph.ConstInt64(-1), graph.ConstInt64(2)]);
        return graph.Op("Transpose", [layers.Gelu(trimmed)], null, Attr.Ints("perm", 0, 2, 1));
    }

    /// <summary>Post-LN layer: h = LN(h + MHA(h)); h = LN(h + W2·gelu(W1·h)).</summary>
    private string EncoderLayer(Layers layers, string h, string prefix)
    {
        var graph = layers.Graph;
        long headDim = Hidden / Heads;
        string q = layers.SplitHeads(layers.Linear(h, $"{prefix}.attention.q_proj", Hidden, Hidden, 0.02), Heads, headDim);
        string k = layers.SplitHeads(layers.Linear(h, $"{prefix}.attention.k_proj", Hidden, Hidden, 0.02), Heads, headDim);
        string v = layers.SplitHeads(layers.Linear(h, $"{prefix}.attention.v_proj", Hidden, Hidden, 0.02), Heads, headDim);
        string context = layers.MergeHeads(layers.Attend(q, k, v, headDim, null), Hidden);
        string attention = layers.Linear(context, $"{prefix}.attention.out_proj", Hidden, Hidden, 0.02);
        h = layers.LayerNorm(graph.Op("Add", [h, attention]), $"{prefix}.layer_norm", Hidden);

        string ff = layers.Gelu(layers.Linear(h, $"{prefix}.feed_forward.intermediate_dense", Hidden, Intermediate, 0.02));
        ff = layers.Linear(ff, $"{prefix}.feed_forward.output_dense", Intermediate, Hidden, 0.02);
        return layers.LayerNorm(graph.Op("Add", [h, ff]), $"{prefix}.final_layer_norm", Hidden);
    }
}
