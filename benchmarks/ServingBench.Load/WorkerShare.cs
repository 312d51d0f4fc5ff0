using System.Globalization;

namespace ServingBench.Load;

/// <summary>
/// Worker <see cref="Index"/> of <see cref="Count"/> ("i/N", i from 0): runs its share of every step's users or rate,
/// so that N workers on N machines together offer the whole load. "0/1" is a run on its own.
/// </summary>
public readonly record struct WorkerShare(int Index, int Count)
{
    public static WorkerShare Alone => new(0, 1);

    public bool IsAlone => Count == 1;

    /// <summary>Users of a closed step for this worker: an even split, the first workers taking the remainder.</summary>
    public int Users(int total) => total / Count + (Index < total % Count ? 1 : 0);

    public double Rate(double total) => total / Count;

    /// <summary>Each worker draws its own arrivals: one seed per worker, the same ones every run.</summary>
    public int Seed(int seed) => unchecked(seed + Index * 7919);

    /// <summary>Constant arrivals of N workers interleave when worker i starts i/λ (of the total rate λ) late.</summary>
    public double PhaseSeconds(double totalRate) => Index / totalRate;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses "i/N" with 0 ≤ i &lt; N; null and a problem line otherwise.</summary>
    public static WorkerShare? TryParse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return new WorkerShare(index, count);
        }

        problem = $"--worker '{text}' is not i/N with 0 <= i < N (e.g. 0/4)";
        return null;
    }
}
