namespace ServingBench.Reports.Composition.Tables;

/// <summary>The in-process rows: each model on each engine and device, against this host's floor and ONNX Runtime.</summary>
internal static class InProcessTable
{
    public static void Append(StringBuilder page, List<BenchmarkRow> rows)
    {
        page.AppendLine("| case | mean | error | × floor | × onnxruntime | allocated | noisy |").AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            page.AppendLine(CultureInfo.InvariantCulture, $"| {row.Case} | {Figures.Time(row.MeanNs)} | {Figures.Percent(row.RelativeError)} | {row.Column(SuiteColumns.TimesFloor)} | {row.Column(SuiteColumns.TimesOnnxRuntime)} | {Figures.Allocated(row.AllocatedBytes)} | {CaseNames.Noisy(row)} |");
        }

        page.AppendLine();
    }
}
