namespace ServingBench.Models.Architectures;

/// <summary>
/// facebook/bart-large-cnn in the HF Optimum seq2seq layout: encoder_model.onnx, decoder_model.onnx (first step,
/// emits all presents) and decoder_with_past_model.onnx (later steps, emits decoder presents only).
/// </summary>
public sealed class Bart(ModelSize size) : ModelArchitecture
{
    public const string EncoderFile = "encoder_model.onnx";
    public const string DecoderFile = "decoder_model.onnx";
    public const string DecoderWithPastFile = "decoder_with_past_model.onnx";
    public const int BosId = 0;
    public const int PadId = 1;
    public const int EosId = 2;
    public const int DecoderStartId = 2;
    private const int PositionOffset = 2;
    private const double InitStd = 0.02;

    public override ModelKind Kind => ModelKind.Bart;

    public override ModelSize Size => size;

    public int Width => size == ModelSize.Real ? 1024 : 32;

    public int LayerCount => size == ModelSize.Real ? 12 : 2;

    public int Heads => size == ModelSize.Real ? 16 : 4;

    public int HeadDim => Width / Heads;

    public int Ffn => size == ModelSize.Real ? 4096 : 64;

    public int VocabSize => size == ModelSize.Real ? 50264 : 64;

    public int MaxPositions => size == ModelSize.Real ? 1024 : 64;

    public override IReadOnlyList<ModelPart> Parts =>
    [
        new ModelPart(EncoderFile, BuildEncoder),
        new ModelPart(DecoderFile, materialize => BuildDecoder(materialize, withPast: false)),
        new ModelPart(DecoderWithPastFile, materialize => BuildDecoder(materialize, withPast: true)),
    ];

    private OnnxGraph BuildEncoder(bool materialize)
    {
        var graph = new OnnxGraph("bart_encoder", materialize, ModelBuildInfo.Seed);
        var layers = new Layers(graph);
        graph.Input("input_ids", TensorProto.Types.DataType.Int64, "batch_size", "encoder_sequence_length");
        graph.Input("attention_mask", TensorProto.Types.DataType.Int64, "batch_size", "encoder_sequence_length");

        string length = graph.Op("Gather", [graph.Op("Shape", ["input_ids"]), graph.ScalarInt64(1)]);
        string h = Embed(layers, "model.encoder", "input_ids", graph.ScalarInt64(0), length);
        string mask = PaddingMask(graph, "attention_mask");
        for (int i = 0; i < LayerCount; i++)
        {
            string prefix = $"model.encoder.layers.{i}";
            var (q, k, v) = (Project(layers, h, $"{prefix}.self_attn.q_proj"), Project(layers, h, $"{prefix}.self_attn.k_proj"), Project(layers, h, $"{prefix}.self_attn.v_proj"));
            h = Residual(layers, h, Attention(layers, q, k, v, mask, $"{prefix}.self_attn.out_proj"), $"{prefix}.self_attn_layer_norm");
            h = FeedForward(layers, h, prefix);
        }

        graph.Op("Identity", [h], "last_hidden_state");
        graph.Output("last_hidden_state", TensorProto.Types.DataType.Float, "batch_size", "encoder_sequence_length", Width);
        return graph;
    }

    private OnnxGraph BuildDecoder(bool materialize, bool withPast)
    {
        var graph = new OnnxGraph(withPast ? "bart_decoder_with_past" : "bart_decoder", materialize, ModelBuildInfo.Seed);
        var layers = new Layers(graph);
        graph.Input("encoder_attention_mask", TensorProto.Types.DataType.Int64, "batch_size", "encoder_sequence_length");
        graph.Input("input_ids", TensorProto.Types.DataType.Int64, "batch_size", "decoder_sequence_length");
        graph.Input("encoder_hidden_states", TensorProto.Types.DataType.Float, "batch_size", "encoder_sequence_length", Width);
        if (withPast)
        {
            for (int i = 0; i < LayerCount; i++)
            {
                foreach (string part in new[] { "decoder.key", "decoder.value" })
                {
                    graph.Input($"past_key_values.{i}.{part}", TensorProto.Types.DataType.Float, "batch_size", Heads, "past_decoder_sequence_length", HeadDim);
                }

                foreach (string part in new[] { "encoder.key", "encoder.value" })
                {
                    graph.Input($"past_key_values.{i}.{part}", TensorProto.Types.DataType.Float, "batch_size", Heads, "encoder_sequence_length_out", HeadDim);
                }
            }
        }

        string zero = graph.ScalarInt64(0);
        string past = withPast ? graph.Op("Gather", [graph.Op("Shape", ["past_key_values.0.decoder.key"]), graph.ScalarInt64(2)]) : zero;
        string newTokens = graph.Op("Gather", [graph.Op("Shape", ["input_ids"]), graph.ScalarInt64(1)]);
        string total = graph.Op("Add", [past, newTokens]);
        string h = Embed(layers, "model.decoder", "input_ids", past, total);

        // Causal mask over [new tokens, past + new tokens]: key position k is hidden from query q when k > past + q.
        string queryPositions = graph.Op("Unsqueeze", [graph.Op("Range", [past, total, graph.ScalarInt64(1)]), graph.ConstInt64(1)]);
        string keyPositions = graph.Op("Unsqueeze", [graph.Op("Range", [zero, total, graph.ScalarInt64(1)]), graph.ConstInt64(0)]);
        string causal = graph.Op("Where", [graph.Op("Greater", [keyPositions, queryPositions]), graph.ConstFloat(float.MinValue), graph.ConstFloat(0f)]);
        string crossMask = PaddingMask(graph, "encoder_attention_mask");

        for (int i = 0; i < LayerCount; i++)
        {
            string prefix = $"model.decoder.layers.{i}";
            string q = Project(layers, h, $"{prefix}.self_attn.q_proj");
            string k = Project(layers, h, $"{prefix}.self_attn.k_proj");
            string v = Project(layers, h, $"{prefix}.self_attn.v_proj");
            if (withPast)
            {
                k = graph.Op("Concat", [$"past_key_values.{i}.decoder.key", k], null, Attr.Int("axis", 2));
                v = graph.Op("Concat", [$"past_key_values.{i}.decoder.value", v], null, Attr.Int("axis", 2));
            }

            graph.Op("Identity", [k], $"present.{i}.decoder.key");
            graph.Op("Identity", [v], $"present.{i}.decoder.value");
            h = Residual(layers, h, Attention(layers, q, k, v, causal, $"{prefix}.self_attn.out_proj"), $"{prefix}.self_attn_layer_norm");

            string crossQ = Project(layers, h, $"{prefix}.encoder_attn.q_proj");
            string crossK, crossV;
            if (withPast)
            {
                (crossK, crossV) = ($"past_key_values.{i}.encoder.key", $"past_key_values.{i}.encoder.value");
            }
            else
            {
                crossK = graph.Op("Identity", [Project(layers, "encoder_hidden_states", $"{prefix}.encoder_attn.k_proj")], $"present.{i}.encoder.key");
                crossV = graph.Op("Identity", [Project(layers, "encoder_hidden_states", $"{prefix}.encoder_attn.v_proj")], $"present.{i}.encoder.value");
            }

            h = Residual(layers, h, Attention(layers, crossQ, crossK, crossV, crossMask, $"{prefix}.encoder_attn.out_proj"), $"{prefix}.encoder_attn_layer_norm");
            h = FeedForward(layers, h, prefix);
        }

        // Tied lm_head: logits = h·sharedᵀ + final_logits_bias, as one Gemm(transB) over [b·t, d].
        string flat = graph.Op("Reshape", [h, graph.ConstInt64(-1, Width)]);
        string bias = graph.Buffer("final_logits_bias", [1, VocabSize], WeightInit.Zeros);
        string logits2d = graph.Op("Gemm", [flat, SharedEmbedding(graph), bias], null, Attr.Int("transB", 1));
        string logitsShape = graph.Op("Concat", [graph.Op("Shape", ["input_ids"]), graph.ConstInt64(VocabSize)], null, Attr.Int("axis", 0));
        graph.Op("Reshape", [logits2d, logitsShape], "logits");

        graph.Output("logits", TensorProto.Types.DataType.Float, "batch_size", "decoder_sequence_length", VocabSize);
        for (int i = 0; i < LayerCount; i++)
        {
            graph.Output($"present.{i}.decoder.key", TensorProto.Types.DataType.Float, "batch_size", Heads, "present_decoder_sequence_length", HeadDim);
            graph.Output($"present.{i}.decoder.value", TensorProto.Types.DataType.Float, "batch_size", Heads, "present_decoder_sequence_length", HeadDim);
            if (!withPast)
            {
                graph.Output($"present.{i}.encoder.key", TensorProto.Types.DataType.Float, "batch_size", Heads, "encoder_sequence_length_out", HeadDim);
                graph.Output($"present.{i}.encoder.value", TensorProto.Types.DataType.Float, "batch_size", Heads, "encoder_sequence_length_out", HeadDim);
            }
        }

        return graph;
    }

    private string SharedEmbedding(OnnxGraph graph) =>
        graph.Parameters.Any(p => p.Name == "model.shared.weight")
            ? "model.shared.weight"
            : graph.Param("model.shared.weight", [VocabSize, Width], WeightInit.WithStd(InitStd));

    /// <summary>LN(shared[ids] + positions[start+2 .. end+2]); embed_scale is 1 for bart-large-cnn.</summary>
    private string Embed(Layers layers, string prefix, string ids, string start, string end)
    {
        var graph = layers.Graph;
        string tokens = graph.Op("Gather", [SharedEmbedding(graph), ids]);
        string table = graph.Param($"{prefix}.embed_positions.weight", [MaxPositions + PositionOffset, Width], WeightInit.WithStd(InitStd));
        string offset = graph.ScalarInt64(PositionOffset);
        string positions = graph.Op("Range", [graph.Op("Add", [start, offset]), graph.Op("Add", [end, offset]), graph.ScalarInt64(1)]);
        string sum = graph.Op("Add", [tokens, graph.Op("Gather", [table, positions])]);
        return layers.LayerNorm(sum, $"{prefix}.layernorm_embedding", Width);
    }

    /// <summary>int64 [b,s] 1/0 mask → additive float [b,1,1,s] (0 or float.MinValue).</summary>
    private static string PaddingMask(OnnxGraph graph, string mask)
    {
        string inverted = graph.Op("Sub", [graph.ConstFloat(1f), graph.Op("Cast", [mask], null, Attr.Int("to", (int)TensorProto.Types.DataType.Float))]);
        return graph.Op("Unsqueeze", [graph.Op("Mul", [inverted, graph.ConstFloat(float.MinValue)]), graph.ConstInt64(1, 2)]);
    }

    private string Project(Layers layers, string x, string prefix) =>
        layers.SplitHeads(layers.Linear(x, prefix, Width, Width, InitStd), Heads, HeadDim);

    private string Attention(Layers layers, string q, string k, string v, string mask, string outPrefix) =>
        layers.Linear(layers.MergeHeads(layers.Attend(q, k, v, HeadDim, mask), Width), outPrefix, Width, Width, InitStd);

    private string Residual(Layers layers, string h, string update, string norm) =>
        layers.LayerNorm(layers.Graph.Op("Add", [h, update]), norm, Width);

    private string FeedForward(Layers layers, string h, string prefix)
    {
        string ff = layers.Gelu(layers.Linear(h, $"{prefix}.fc1", Width, Ffn, InitStd));
        return Residual(layers, h, layers.Linear(ff, $"{prefix}.fc2", Ffn, Width, InitStd), $"{prefix}.final_layer_norm");
    }
}
