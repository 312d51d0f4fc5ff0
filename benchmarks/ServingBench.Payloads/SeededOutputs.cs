namespace ServingBench.Payloads;

/// <summary>
/// Response values of the real output shapes. Each payload draws from its own generator with the same seed,
/// so a payload's response does not depend on which payloads were built before it.
/// </summary>
public static class SeededOutputs
{
    public const int Seed = 12345; // same seed, repeatable results

    /// <summary>Logit-like values, N(0, 2²).</summary>
    public static float[] Logits(int count)
    {
        var random = new Random(Seed);
        var values = new float[count];
        for (int i = 0; i < count; i += 2)
        {
            var (a, b) = StandardNormalPair(random);
            values[i] = (float)(2.0 * a);
            if (i + 1 < count)
            {
                values[i + 1] = (float)(2.0 * b);
            }
        }

        return values;
    }

    /// <summary>What BART generation returns: decoder start &lt;/s&gt; (2), forced &lt;s&gt; (0), tokens, &lt;/s&gt; (2).</summary>
    public static long[] GeneratedIds(int length, int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 3);
        var random = new Random(Seed);
        var ids = new long[length];
        ids[0] = 2;
        ids[1] = 0;
        for (int i = 2; i < length - 1; i++)
        {
            ids[i] = random.Next(4, vocabSize); // past the specials <s> <pad> </s> <unk>
        }

        ids[^1] = 2;
        return ids;
    }

    /// <summary>Box–Muller: two independent N(0,1) values from two uniforms.</summary>
    private static (double A, double B) StandardNormalPair(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // (0, 1], so the log is finite
        double u2 = random.NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        return (radius * Math.Cos(2 * Math.PI * u2), radius * Math.Sin(2 * Math.PI * u2));
    }
}
