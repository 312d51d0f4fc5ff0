using System.Runtime.InteropServices;

namespace ServingBench.Models.Onnx;

/// <summary>How a parameter is filled: constants for norms and biases, uniform noise of a framework's default scale elsewhere.</summary>
public readonly record struct WeightInit(WeightInitKind Kind, float Value)
{
    public static WeightInit Zeros => new(WeightInitKind.Constant, 0f);

    public static WeightInit Ones => new(WeightInitKind.Constant, 1f);

    /// <summary>Uniform in ±bound.</summary>
    public static WeightInit Uniform(double bound) => new(WeightInitKind.Uniform, (float)bound);

    /// <summary>Uniform with the given standard deviation (bound = std·√3), e.g. kaiming or HF's normal(0, 0.02).</summary>
    public static WeightInit WithStd(double std) => Uniform(std * Math.Sqrt(3));

    /// <summary>Fills <paramref name="values"/> deterministically from <paramref name="seed"/> and the parameter name.</summary>
    public void Fill(Span<float> values, int seed, string name)
    {
        if (Kind == WeightInitKind.Constant)
        {
            values.Fill(Value);
            return;
        }

        // Stream per parameter name, so a value never depends on build order.
        ulong state = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ Fnv1a(name);
        float scale = Value * 2f / (1 << 24);
        for (int i = 0; i < values.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            values[i] = ((int)(z >> 40) * scale) - Value;
        }
    }

    public byte[] ToBytes(long count, int seed, string name)
    {
        var bytes = new byte[checked(count * sizeof(float))];
        Fill(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()), seed, name);
        return bytes;
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}

public enum WeightInitKind
{
    Constant,
    Uniform,
}
