namespace ServingBench.Tests;

/// <summary>
/// Catalogue cells (scenario × payload) as theory rows of their names, so a failing row names its cell in the test
/// output. The client matrix, encoding and batch tests all draw their rows this way from their part of the catalogue.
/// </summary>
internal static class CellTheoryData
{
    /// <summary>One row per cell: the scenario's name, then the payload's.</summary>
    public static TheoryData<string, string> Of(IEnumerable<(Scenario Scenario, PayloadKind Payload)> cells)
    {
        var data = new TheoryData<string, string>();
        foreach (var (scenario, payload) in cells)
        {
            data.Add(scenario.Name, payload.Name);
        }

        return data;
    }
}
