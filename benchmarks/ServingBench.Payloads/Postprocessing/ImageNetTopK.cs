namespace ServingBench.Payloads.Postprocessing;

/// <summary>Top-k classes of a logits row with softmax probabilities (computed in double) and label names; lower class id first on ties.</summary>
public static class ImageNetTopK
{
    public sealed record Prediction(int ClassId, string Label, float Probability);

    /// <summary>The top <paramref name="k"/> ImageNet classes of one logits row, named from fixtures/labels (TorchServe's image classifier answer).</summary>
    public static IReadOnlyList<Prediction> TopK(ReadOnlySpan<float> logits, int k = 5) => TopK(logits, ImageNetLabels.All, k);

    public static IReadOnlyList<Prediction> TopK(ReadOnlySpan<float> logits, IReadOnlyList<string> labels, int k = 5)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != logits.Length)
        {
            throw new ArgumentException($"{logits.Length} logits but {labels.Count} labels", nameof(labels));
        }

        var (max, sum) = Logits.MaxAndSumExp(logits);

        var order = Enumerable.Range(0, logits.Length).ToArray();
        var copy = logits.ToArray();
        // Descending by logit, lower class id first on ties.
        Array.Sort(order, (a, b) => copy[b] != copy[a] ? copy[b].CompareTo(copy[a]) : a.CompareTo(b));
        return order.Take(Math.Min(k, order.Length))
            .Select(i => new Prediction(i, labels[i], (float)(Math.Exp(copy[i] - max) / sum)))
            .ToArray();
    }
}
