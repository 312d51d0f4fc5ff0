namespace ServingBench.Payloads.Postprocessing;

/// <summary>
/// The reductions every postprocessing step applies to a row of logits (classification, CTC, generation): one
/// implementation, so the stock handlers, the engines and the tests agree to the bit.
/// </summary>
public static class Logits
{
    /// <summary>Index of the largest value; the lowest index wins ties (what argmax does in PyTorch and NumPy).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The row's maximum and Σ exp(v − max) in double: softmax and log-softmax without overflow.</summary>
    public static (float Max, double SumExp) MaxAndSumExp(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (float v in values)
        {
            sum += Math.Exp(v - max);
        }

        return (max, sum);
    }
}
