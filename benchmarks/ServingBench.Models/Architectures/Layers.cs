namespace ServingBench.Models.Architectures;

/// <summary>Layer building blocks shared by the three architectures, emitted as plain ONNX ops that ONNX Runtime fuses.</summary>
internal sealed class Layers(OnnxGraph graph)
{
    public OnnxGraph Graph { get; } = graph;

    /// <summary>x·W + b with W stored [in, out] (as exporters store it); weights uniform like HF's normal(0, std).</summary>
    public string Linear(string x, string prefix, long inFeatures, long outFeatures, double std, bool bias = true)
    {
        string weight = Graph.Param($"{prefix}.weight", [inFeatures, outFeatures], WeightInit.WithStd(std));
        string y = Graph.Op("MatMul", [x, weight]);
        return bias ? Graph.Op("Add", [y, Graph.Param($"{prefix}.bias", [outFeatures], WeightInit.Zeros)]) : y;
    }

    public string LayerNorm(string x, string prefix, long width, string? output = null)
    {
        string scale = Graph.Param($"{prefix}.weight", [width], WeightInit.Ones);
        string bias = Graph.Param($"{prefix}.bias", [width], WeightInit.Zeros);
        return Graph.Op("LayerNormalization", [x, scale, bias], output, Attr.Int("axis", -1), Attr.Float("epsilon", 1e-5f));
    }

    /// <summary>Exact (erf) GELU: 0.5·x·(1 + erf(x/√2)); opset 17 has no Gelu op, ORT fuses this pattern.</summary>
    public string Gelu(string x)
    {
        string erf = Graph.Op("Erf", [Graph.Op("Div", [x, Graph.ConstFloat(MathF.Sqrt(2f))])]);
        string onePlus = Graph.Op("Add", [erf, Graph.ConstFloat(1f)]);
        return Graph.Op("Mul", [Graph.Op("Mul", [x, onePlus]), Graph.ConstFloat(0.5f)]);
    }

    /// <summary>[b, s, d] → [b, heads, s, d/heads].</summary>
    public string SplitHeads(string x, long heads, long headDim) =>
        Graph.Op("Transpose", [Graph.Op("Reshape", [x, Graph.ConstInt64(0, -1, heads, headDim)])], null, Attr.Ints("perm", 0, 2, 1, 3));

    /// <summary>[b, heads, s, headDim] → [b, s, d].</summary>
    public string MergeHeads(string x, long width) =>
        Graph.Op("Reshape", [Graph.Op("Transpose", [x], null, Attr.Ints("perm", 0, 2, 1, 3)), Graph.ConstInt64(0, -1, width)]);

    /// <summary>softmax(q·kᵀ·scale + mask)·v over split heads; q is scaled first, as HF does.</summary>
    public string Attend(string q, string k, string v, long headDim, string? additiveMask)
    {
        string scaled = Graph.Op("Mul", [q, Graph.ConstFloat(1f / MathF.Sqrt(headDim))]);
        string scores = Graph.Op("MatMul", [scaled, Graph.Op("Transpose", [k], null, Attr.Ints("perm", 0, 1, 3, 2))]);
        if (additiveMask is not null)
        {
            scores = Graph.Op("Add", [scores, additiveMask]);
        }

        return Graph.Op("MatMul", [Graph.Op("Softmax", [scores], null, Attr.Int("axis", -1)), v]);
    }
}
