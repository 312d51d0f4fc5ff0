namespace ServingBench.Reports.Load;

/// <summary>
/// <c>load --slo</c>: each objective against each step, and per series the highest load at which a step met every
/// objective ("the most users at which p99 &lt; 250 ms", as MLPerf's server scenario reports its answer).
/// </summary>
public static class ObjectiveEvaluation
{
    /// <summary><paramref name="steps"/> with their verdicts, and the run's summary of them.</summary>
    public static (IReadOnlyList<LoadStepSummary> Steps, SloSummary Summary) Apply(IReadOnlyList<LoadStepSummary> steps, IReadOnlyList<ServiceObjective> objectives)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(objectives);
        var judged = steps.Select(step => step with
        {
            Objectives = [.. objectives.Select(objective =>
            {
                double measured = objective.Measure(step);
                return new ObjectiveVerdict
                {
                    Objective = objective.Text,
                    Measured = double.IsNaN(measured) ? null : Math.Round(measured, 3),
                    Unit = objective.Unit,
                    Met = objective.IsMetBy(measured),
                };
            })],
        }).ToArray();
        var series = judged.GroupBy(s => (s.Series, s.Mode)).Select(group =>
        {
            var highest = group.Where(s => s.MeetsObjectives == true).MaxBy(s => s.Load);
            return new SeriesObjectiveResult
            {
                Series = group.Key.Series,
                Mode = group.Key.Mode,
                HighestLoadMet = highest?.Load,
                HighestStepMet = highest?.LoadText,
            };
        }).ToArray();
        return (judged, new SloSummary { Objectives = [.. objectives.Select(o => o.Text)], Series = series });
    }

    /// <summary>One line per series: the highest step that met the objectives, or that none did.</summary>
    public static string Describe(SloSummary summary, IReadOnlyList<ServiceObjective> objectives)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(objectives);
        string all = string.Join(" and ", objectives.Select(o => o.Description));
        var text = new StringBuilder();
        foreach (var series in summary.Series)
        {
            string most = series.Mode == LoadStepSummary.Open ? "the highest offered rate" : "the most users";
            text.AppendLine(series.HighestStepMet is { } step
                ? string.Create(CultureInfo.InvariantCulture, $"{series.Series}: {most} at which {all}: {step}")
                : string.Create(CultureInfo.InvariantCulture, $"{series.Series}: no step meets {all}"));
        }

        return text.ToString();
    }
}
