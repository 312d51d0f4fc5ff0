namespace ServingBench.Reports.Composition;

/// <summary>
/// Does a real inference's round trip decompose into the model plus the protocol? The remainder of the onnx round
/// trip over the in-process run of the same model, divided by the canned round trip of the same cell (the protocol
/// alone), is 1 when it does. Each mean carries BenchmarkDotNet's 99.9 % error, and the check carries them all: a
/// ResNet50 row's error of a few milliseconds is several canned round trips for the raw encodings, so there the check
/// often cannot tell, and it says so instead of printing a ratio as if it were exact.
/// </summary>
/// <param name="Ratio">(onnx round trip − in-process) ÷ canned round trip.</param>
/// <param name="Error">The ratio's error, the three means' errors propagated (independent; first order). It covers the spread
/// within each row's process, not drift between the processes (docs/end-to-end.md, thread budget).</param>
public readonly record struct DecompositionCheck(double Ratio, double Error)
{
    /// <summary>The ratio is expected within this distance of 1 (the suite's target: 0.80–1.20).</summary>
    public const double Tolerance = 0.2;

    /// <summary>The check of one cell from the three rows' means and 99.9 % errors (ns); null when a mean is missing.</summary>
    public static DecompositionCheck? Of(double? onnxMean, double? onnxError, double? inProcessMean, double? inProcessError, double? cannedMean, double? cannedError) =>
        onnxMean is { } t && inProcessMean is { } f
            ? OfRemainder(t - f, Math.Sqrt(Square(onnxError) + Square(inProcessError)), cannedMean, cannedError)
            : null;

    /// <summary>
    /// The check from a remainder already taken (ns, with its 99.9 % error): the paired one, where each round trip's own
    /// engine time was subtracted in the same process, so the model's variation and the drift between processes are out.
    /// </summary>
    public static DecompositionCheck? OfRemainder(double remainder, double remainderError, double? cannedMean, double? cannedError)
    {
        if (cannedMean is not { } c || c <= 0)
        {
            return null;
        }

        double ratio = remainder / c;
        return new DecompositionCheck(ratio, Math.Sqrt(Square(remainderError) + Square(ratio * (cannedError ?? 0))) / c);
    }

    private static double Square(double? x) => (x ?? 0) * (x ?? 0);

    /// <summary>
    /// holds: the ratio ± error meets 1 ± <see cref="Tolerance"/> and the error is within the tolerance;
    /// fails: ratio ± error lies wholly outside 1 ± <see cref="Tolerance"/>; unresolved: neither (the error is too
    /// large to tell).
    /// </summary>
    public string Verdict =>
        Ratio + Error < 1 - Tolerance || Ratio - Error > 1 + Tolerance ? "fails"
        : Error <= Tolerance ? "holds"
        : "unresolved";

    /// <summary><c>1.04 ± 0.12 holds</c>.</summary>
    public override string ToString() =>
        $"{Ratio.ToString("0.00", CultureInfo.InvariantCulture)} ± {Error.ToString("0.00", CultureInfo.InvariantCulture)} {Verdict}";
}
