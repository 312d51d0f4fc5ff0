namespace ServingBench.Reports.Composition.Tables;

/// <summary>
/// The header and alignment rows of a page table whose columns are computed (per direction, link or batch size): the
/// two rows come from one list, so a column added to one cannot be missing from the other.
/// </summary>
internal static class MarkdownTable
{
    /// <summary>A column: its title, and whether it holds figures (right-aligned) or text (left-aligned).</summary>
    public readonly record struct Column(string Title, bool Figure);

    public static Column Text(string title) => new(title, Figure: false);

    public static Column Figure(string title) => new(title, Figure: true);

    public static void Header(StringBuilder page, IReadOnlyList<Column> columns)
    {
        page.Append('|');
        foreach (var column in columns)
        {
            page.Append(' ').Append(column.Title).Append(" |");
        }

        page.AppendLine().Append('|');
        foreach (var column in columns)
        {
            page.Append(column.Figure ? "---:|" : "---|");
        }

        page.AppendLine();
    }
}
