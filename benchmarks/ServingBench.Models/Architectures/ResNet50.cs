namespace ServingBench.Models.Architectures;

/// <summary>torchvision ResNet50 v1.5 (stride on the 3x3): pixel_values [N,3,224,224] → logits [N,1000].</summary>
/// <remarks>BatchNormalization nodes are kept (ORT folds them into the convs at load), so the file holds the architecture's exact parameters.</remarks>
public sealed class ResNet50(ModelSize size) : ModelArchitecture
{
    public const string FileName = "model.onnx";

    public override ModelKind Kind => ModelKind.ResNet50;

    public override ModelSize Size => size;

    public int[] Blocks => size == ModelSize.Real ? [3, 4, 6, 3] : [1, 1, 1, 1];

    public int BaseWidth => size == ModelSize.Real ? 64 : 8;

    public int Classes => size == ModelSize.Real ? 1000 : 10;

    public int ImageSize => size == ModelSize.Real ? 224 : 32;

    public override IReadOnlyList<ModelPart> Parts => [new ModelPart(FileName, BuildGraph)];

    private OnnxGraph BuildGraph(bool materialize)
    {
        var graph = new OnnxGraph("resnet50", materialize, ModelBuildInfo.Seed);
        var layers = new Layers(graph);
        graph.Input("pixel_values", TensorProto.Types.DataType.Float, "batch_size", 3, ImageSize, ImageSize);

        string x = ConvBn(layers, "pixel_values", "conv1", "bn1", 3, BaseWidth, 7, 2, 3);
        x = graph.Op("Relu", [x]);
        x = graph.Op("MaxPool", [x], null, Attr.Ints("kernel_shape", 3, 3), Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 1, 1));

        long inChannels = BaseWidth;
        for (int stage = 0; stage < 4; stage++)
        {
            long planes = BaseWidth << stage;
            for (int block = 0; block < Blocks[stage]; block++)
            {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = Bottleneck(layers, x, $"layer{stage + 1}.{block}", inChannels, planes, stride);
                inChannels = planes * 4;
            }
        }

        x = graph.Op("Flatten", [graph.Op("GlobalAveragePool", [x])], null, Attr.Int("axis", 1));
        double bound = 1 / Math.Sqrt(inChannels);
        string weight = graph.Param("fc.weight", [Classes, inChannels], WeightInit.Uniform(bound));
        string bias = graph.Param("fc.bias", [Classes], WeightInit.Uniform(bound));
        graph.Op("Gemm", [x, weight, bias], "logits", Attr.Int("transB", 1));
        graph.Output("logits", TensorProto.Types.DataType.Float, "batch_size", Classes);
        return graph;
    }

    private static string Bottleneck(Layers layers, string x, string prefix, long inChannels, long planes, int stride)
    {
        var graph = layers.Graph;
        string y = graph.Op("Relu", [ConvBn(layers, x, $"{prefix}.conv1", $"{prefix}.bn1", inChannels, planes, 1, 1, 0)]);
        y = graph.Op("Relu", [ConvBn(layers, y, $"{prefix}.conv2", $"{prefix}.bn2", planes, planes, 3, stride, 1)]);
        y = ConvBn(layers, y, $"{prefix}.conv3", $"{prefix}.bn3", planes, planes * 4, 1, 1, 0);
        string identity = stride != 1 || inChannels != planes * 4
            ? ConvBn(layers, x, $"{prefix}.downsample.0", $"{prefix}.downsample.1", inChannels, planes * 4, 1, stride, 0)
            : x;
        return graph.Op("Relu", [graph.Op("Add", [y, identity])]);
    }

    /// <summary>Bias-free conv (kaiming normal, fan_out, as torchvision) then eval-mode BN (weight 1, bias 0, mean 0, var 1).</summary>
    private static string ConvBn(Layers layers, string x, string conv, string bn, long inC, long outC, int k, int stride, int pad)
    {
        var graph = layers.Graph;
        string weight = graph.Param($"{conv}.weight", [outC, inC, k, k], WeightInit.WithStd(Math.Sqrt(2.0 / (outC * k * k))));
        string y = graph.Op("Conv", [x, weight], null,
            Attr.Ints("kernel_shape", k, k), Attr.Ints("strides", stride, stride), Attr.Ints("pads", pad, pad, pad, pad));
        string scale = graph.Param($"{bn}.weight", [outC], WeightInit.Ones);
        string bias = graph.Param($"{bn}.bias", [outC], WeightInit.Zeros);
        string mean = graph.Buffer($"{bn}.running_mean", [outC], WeightInit.Zeros);
        string variance = graph.Buffer($"{bn}.running_var", [outC], WeightInit.Ones);
        return graph.Op("BatchNormalization", [y, scale, bias, mean, variance], null, Attr.Float("epsilon", 1e-5f));
    }
}
