namespace ServingBench.Reports.Composition.Tables;

/// <summary>
/// One framework's round trips: REST vs gRPC, canned and model backends, each model row next to its in-process floor
/// with the protocol's share and the two decomposition checks.
/// </summary>
internal static class RoundTripTable
{
    public static void Append(StringBuilder page, string framework, List<BenchmarkRow> rows, List<BenchmarkRow> floors)
    {
        page.AppendLine(CultureInfo.InvariantCulture, $"### {framework}").AppendLine();
        page.AppendLine("| scenario | backend | payload | Infer | Echo | × echo | in-process | protocol share | (onnx − in-process) ÷ canned | engine in server | (onnx − engine) ÷ canned | noisy |");
        page.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var groups = rows.GroupBy(r => (Scenario: CaseNames.Part(r, 0), Backend: CaseNames.Backend(r), Payload: CaseNames.Part(r, 1))).ToList();
        foreach (var group in groups)
        {
            var infer = group.FirstOrDefault(r => r.Method == SuiteMethods.Infer);
            var echo = group.FirstOrDefault(r => r.Method == SuiteMethods.Echo);
            var model = group.Key.Backend == "canned" ? null : InProcessFloor(floors, group.Key.Payload);
            double? share = infer?.MeanNs is { } i && model?.MeanNs is { } m ? (i - m) / i : null;
            double? timesEcho = infer?.MeanNs is { } a && echo?.MeanNs is { } b ? a / b : null;

            // The decomposition check: what the model round trip adds to the model should be the canned round trip.
            var canned = groups.FirstOrDefault(g => g.Key == (group.Key.Scenario, "canned", group.Key.Payload))?.FirstOrDefault(r => r.Method == SuiteMethods.Infer);
            var check = model is null ? null
                : DecompositionCheck.Of(infer?.MeanNs, infer?.ErrorNs, model.MeanNs, model.ErrorNs, canned?.MeanNs, canned?.ErrorNs);
            page.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Scenario} | {group.Key.Backend} | {group.Key.Payload} | {Figures.Time(infer?.MeanNs)} | {Figures.Time(echo?.MeanNs)} | {Figures.Ratio(timesEcho)} | {Figures.Time(model?.MeanNs)} | {Figures.Percent(share)} | {check?.ToString() ?? "—"} | {infer?.Column(SuiteColumns.EngineInServer) ?? "—"} | {infer?.Column(SuiteColumns.PairedDecomposition) ?? "—"} | {CaseNames.Noisy(group)} |");
        }

        page.AppendLine();
    }

    /// <summary>The ONNX Runtime CPU in-process row of the payload's model (<c>resnet50-jpeg</c> → <c>onnxruntime-cpu-resnet50</c>).</summary>
    /// <remarks>
    /// The RoundTrip class's own <c>InProcess</c> row (the same backend called without a protocol, file payloads
    /// preprocessed as the server does) where the run has it; else the InProcess class's row of the payload's model.
    /// </remarks>
    private static BenchmarkRow? InProcessFloor(List<BenchmarkRow> floors, string payload) =>
        floors.FirstOrDefault(r => r.Method == SuiteMethods.InProcess && CaseNames.Part(r, 1) == payload)
        ?? floors.FirstOrDefault(r => r.Case == "onnxruntime-cpu-" + payload.Split('-')[0]);
}
