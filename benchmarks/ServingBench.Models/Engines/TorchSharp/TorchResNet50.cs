using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ServingBench.Models.Engines.TorchSharp;

/// <summary>ResNet50 v1.5 forward in TorchSharp over the ONNX file's weights (eval-mode BN).</summary>
public sealed class TorchResNet50(TorchWeights weights, ResNet50 architecture)
{
    public Tensor Forward(Tensor x)
    {
        x = F.relu(ConvBn(x, "conv1", "bn1", 2, 3));
        x = F.max_pool2d(x, [3, 3], [2, 2], [1, 1]);
        long inChannels = architecture.BaseWidth;
        for (int stage = 0; stage < 4; stage++)
        {
            long planes = (long)architecture.BaseWidth << stage;
            for (int block = 0; block < architecture.Blocks[stage]; block++)
            {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                string prefix = $"layer{stage + 1}.{block}";
                var y = F.relu(ConvBn(x, $"{prefix}.conv1", $"{prefix}.bn1", 1, 0));
                y = F.relu(ConvBn(y, $"{prefix}.conv2", $"{prefix}.bn2", stride, 1));
                y = ConvBn(y, $"{prefix}.conv3", $"{prefix}.bn3", 1, 0);
                var identity = stride != 1 || inChannels != planes * 4 ? ConvBn(x, $"{prefix}.downsample.0", $"{prefix}.downsample.1", stride, 0) : x;
                x = F.relu(y + identity);
                inChannels = planes * 4;
            }
        }

        x = F.adaptive_avg_pool2d(x, [1, 1]).flatten(1);
        return F.linear(x, weights["fc.weight"], weights["fc.bias"]);
    }

    private Tensor ConvBn(Tensor x, string conv, string bn, long stride, long pad)
    {
        var y = F.conv2d(x, weights[$"{conv}.weight"], null, [stride, stride], [pad, pad]);
        return F.batch_norm(y, weights[$"{bn}.running_mean"], weights[$"{bn}.running_var"], weights[$"{bn}.weight"], weights[$"{bn}.bias"], false, 0.1, 1e-5);
    }
}
