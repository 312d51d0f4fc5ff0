namespace ServingBench.Reports.Comparison;

/// <summary>
/// How far the rows of one benchmark class moved between two runs as a whole, estimated from the rows themselves:
/// the robust spread (1.4826 × the median absolute deviation) of their log ratios, new median over base median.
/// </summary>
/// <remarks>
/// Each row's test treats its iterations as independent, but a process adds its own offset to every iteration it runs
/// (code and data placement, the neighbours on a shared host): on the 2-core development VM, two quiet full runs of
/// identical serialization code put the middle 90 % of Serialization rows 0.82–1.08× apart, far beyond what the
/// iterations' own spread allows. That offset cannot be seen inside one row, but across many rows that mostly did
/// not change it shows as the spread of their ratios. A change has to clear <see cref="Z"/> such spreads to be
/// called, so <see cref="Floor"/> is the threshold the drift demands. Robust: rows that really moved (fewer than
/// half) barely move the median absolute deviation.
/// </remarks>
/// <param name="Rows">How many rows the estimate is drawn from.</param>
/// <param name="Sigma">The spread of the rows' log ratios (≈ the relative drift of one row, 0.045 is ±4.5 %).</param>
public sealed record RunDrift(int Rows, double Sigma)
{
    /// <summary>Fewer rows than this give no estimate worth a threshold (the user's threshold stands alone).</summary>
    public const int MinRows = 8;

    /// <summary>How many drift spreads a change must exceed: 3 leaves about 1 row in 370 of a normal drift beyond it.</summary>
    public const double Z = 3;

    /// <summary>The relative change the drift alone can produce in a row that did not change.</summary>
    public double Floor => Math.Exp(Z * Sigma) - 1;

    /// <summary>The drift of the rows whose (new ÷ base) median ratios are given; null with fewer than <see cref="MinRows"/>.</summary>
    public static RunDrift? Estimate(IEnumerable<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        double[] logs = [.. ratios.Where(r => r > 0 && double.IsFinite(r)).Select(r => Math.Log(r))];
        if (logs.Length < MinRows)
        {
            return null;
        }

        double center = ShiftTest.Median(logs);
        double deviation = ShiftTest.Median([.. logs.Select(l => Math.Abs(l - center))]);
        return new RunDrift(logs.Length, 1.4826 * deviation);
    }
}
