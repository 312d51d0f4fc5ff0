using Microsoft.ML.OnnxRuntime;
using ServingBench.Models.Architectures;

namespace ServingBench.Tests.Models;

/// <summary>Runs decoder_model.onnx on a whole prefix (no cache), the reference the cached path must match.</summary>
internal static class OrtBartReference
{
    public static float[] DecoderLogitsWithoutCache(string directory, long[] inputIds, long[] prefix)
    {
        using var encoder = new InferenceSession(Path.Combine(directory, Bart.EncoderFile));
        using var decoder = new InferenceSession(Path.Combine(directory, Bart.DecoderFile));
        var ones = Enumerable.Repeat(1L, inputIds.Length).ToArray();
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds, [1, inputIds.Length]);
        using var mask = OrtValue.CreateTensorValueFromMemory(ones, [1, inputIds.Length]);
        using var encoded = encoder.Run(new RunOptions(), ["input_ids", "attention_mask"], [ids, mask], ["last_hidden_state"]);
        using var decoderIds = OrtValue.CreateTensorValueFromMemory(prefix, [1, prefix.Length]);
        using var outputs = decoder.Run(new RunOptions(), ["encoder_attention_mask", "input_ids", "encoder_hidden_states"], [mask, decoderIds, encoded[0]], ["logits"]);
        var all = outputs[0].GetTensorDataAsSpan<float>();
        int vocab = all.Length / prefix.Length;
        return all[^vocab..].ToArray();
    }
}
