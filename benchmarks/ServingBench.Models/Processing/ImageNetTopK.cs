namespace ServingBench.Models.Processing;

/// <summary>Top-k classes of a logits row with softmax probabilities and label names.</summary>
public static class ImageNetTopK
{
    public sealed record Prediction(int ClassId, string Label, float Probability);

    /// <summary>
    /// Reads a labels file, one class name per line in class-id order (fixtures/labels/imagenet_classes.txt).
    /// </summary>
    public static IReadOnlyList<string> LoadLabels(string path)
    {
        var labels = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (labels.Length == 0)
        {
            throw new InvalidDataException($"labels file '{path}' is empty");
        }

        return labels;
    }

    public static IReadOnlyList<Prediction> TopK(ReadOnlySpan<float> logits, IReadOnlyList<string> labels, int k = 5)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != logits.Length)
        {
            throw new ArgumentException($"{logits.Length} logits but {labels.Count} labels", nameof(labels));
        }

        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (float v in logits)
        {
            sum += Math.Exp(v - max);
        }

        var order = Enumerable.Range(0, logits.Length).ToArray();
        var copy = logits.ToArray();
        // Descending by logit, lower class id first on ties.
        Array.Sort(order, (a, b) => copy[b] != copy[a] ? copy[b].CompareTo(copy[a]) : a.CompareTo(b));
        return order.Take(Math.Min(k, order.Length))
            .Select(i => new Prediction(i, labels[i], (float)(Math.Exp(copy[i] - max) / sum)))
            .ToArray();
    }
}
