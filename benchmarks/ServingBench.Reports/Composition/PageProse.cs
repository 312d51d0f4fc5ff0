namespace ServingBench.Reports.Composition;

/// <summary>
/// The page's paragraphs, kept in <c>PageProse.md</c> (embedded in this assembly) so that prose is edited as prose and
/// the composer only lays out tables. A paragraph follows its marker <c>&lt;!-- prose: key … --&gt;</c>.
/// </summary>
internal static class PageProse
{
    private const string Marker = "<!-- prose: ";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Paragraphs = new(Load);

    /// <summary>The paragraph <paramref name="key"/> with <paramref name="values"/> in its placeholders.</summary>
    /// <exception cref="KeyNotFoundException">PageProse.md has no such paragraph (a build that lost the file).</exception>
    public static string Get(string key, params object[] values)
    {
        string text = Paragraphs.Value.TryGetValue(key, out string? paragraph)
            ? paragraph
            : throw new KeyNotFoundException($"PageProse.md has no paragraph '{key}'");
        return values.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, values);
    }

    private static IReadOnlyDictionary<string, string> Load()
    {
        using var stream = typeof(PageProse).Assembly.GetManifestResourceStream("ServingBench.Reports.PageProse.md")
            ?? throw new InvalidOperationException("PageProse.md is not embedded in ServingBench.Reports");
        using var reader = new StreamReader(stream);
        var paragraphs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                Flush();
                key = line[Marker.Length..].Split(' ', 2)[0].Trim();
            }
            else if (key is not null && !line.StartsWith("<!--", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        }

        Flush();
        return paragraphs;

        void Flush()
        {
            if (key is not null)
            {
                paragraphs[key] = string.Join('\n', lines).Trim();
            }

            lines.Clear();
        }
    }
}
