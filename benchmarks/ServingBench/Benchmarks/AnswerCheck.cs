using ServingBench.Wire.Tensors;

namespace ServingBench.Benchmarks;

/// <summary>What a right answer is for one RoundTrip case; <see cref="Validate"/> runs inside the measured call and throws on a wrong one.</summary>
internal abstract class AnswerCheck
{
    /// <summary>Relative tolerance for model outputs that crossed a text encoding (JSON floats) or another summation order.</summary>
    public const float Tolerance = 1e-5f;

    protected AnswerCheck(RoundTripCase @case) => Case = @case;

    protected RoundTripCase Case { get; }

    public abstract void Validate(InferenceResponse response);

    /// <summary>The model's own answer: every value equal within <see cref="Tolerance"/> (integers exactly), same shape.</summary>
    public static AnswerCheck Equal(RoundTripCase @case, Tensor expected) => new EqualCheck(@case, expected);

    /// <summary>
    /// The first output of <paramref name="served"/>: its name, datatype, rank and batch (and whole shape when
    /// <paramref name="exactShape"/>), or the model's stock answer (top-5 labels, transcript, summary) from a
    /// TorchServe that runs the stock handlers.
    /// </summary>
    public static AnswerCheck Shaped(RoundTripCase @case, ModelSignature served, Tensor expected, bool exactShape) =>
        new ShapeCheck(@case, served, expected, exactShape);

    protected Exception Wrong(string what) => new InvalidOperationException($"{Case}: {what}");

    private sealed class EqualCheck(RoundTripCase @case, Tensor expected) : AnswerCheck(@case)
    {
        public override void Validate(InferenceResponse response)
        {
            var output = response.Outputs.FirstOrDefault(o => o.Name == expected.Name) ?? throw Wrong($"response has no output '{expected.Name}'");
            if (output.DataType != expected.DataType || !output.Shape.SequenceEqual(expected.Shape))
            {
                throw Wrong($"got {output}, the model answers {expected}");
            }

            if (expected.DataType is DataType.FP32 or DataType.FP16 or DataType.BF16)
            {
                // A half-precision answer is the FP32 one rounded: another summation order may round one step apart.
                float tolerance = expected.DataType == DataType.FP32 ? Tolerance : 2 * HalfPrecision.RelativeRounding(expected.DataType);
                var actual = HalfPrecision.Widen(output).AsSpan<float>();
                var model = HalfPrecision.Widen(expected).AsSpan<float>();
                for (int i = 0; i < model.Length; i++)
                {
                    if (!(Math.Abs(actual[i] - model[i]) <= tolerance * Math.Max(1f, Math.Abs(model[i]))))
                    {
                        throw Wrong($"element {i} is {actual[i]}, the model's is {model[i]}");
                    }
                }
            }
            else if (!output.Data.Span.SequenceEqual(expected.Data.Span))
            {
                throw Wrong($"{output} differs from the model's answer");
            }
        }
    }

    private sealed class ShapeCheck(RoundTripCase @case, ModelSignature served, Tensor expected, bool exactShape) : AnswerCheck(@case)
    {
        public override void Validate(InferenceResponse response)
        {
            if (served.StockAnswer?.IsAnswer(response) == true)
            {
                return; // the stock decoder has already checked its form (at most 5 labels, a text)
            }

            string outputName = served.Outputs[0].Name;
            var output = response.Outputs.FirstOrDefault(o => o.Name == outputName) ?? throw Wrong($"response has no output '{outputName}'");
            bool ok = output.DataType == expected.DataType
                && output.Shape.Length == expected.Shape.Length
                && output.Shape[0] == expected.Shape[0]
                && (!exactShape || output.Shape.SequenceEqual(expected.Shape));
            if (!ok)
            {
                throw Wrong($"got {output}, expected {expected.DataType.ToKServeName()} [{string.Join(",", expected.Shape.ToArray())}]");
            }
        }
    }
}
