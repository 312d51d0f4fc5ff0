using System.Globalization;

namespace ServingBench.ServerStatistics;

/// <summary>One sample of a Prometheus text page: metric name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.GetValueOrDefault(name);
}

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4): <c># HELP</c> / <c># TYPE</c> lines are skipped, every
/// other line is <c>name{label="value",…} value [timestamp]</c>. Label values may escape <c>\\</c>, <c>\"</c> and
/// <c>\n</c>; a trailing comma in the label set (TorchServe's Java client writes one) is accepted.
/// </summary>
public static class PrometheusText
{
    /// <exception cref="FormatException">A line is not a sample; the message quotes it.</exception>
    public static IReadOnlyList<PrometheusSample> Parse(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var samples = new List<PrometheusSample>();
        foreach (string raw in page.Split('\n'))
        {
            string line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseLine(line));
        }

        return samples;
    }

    private static PrometheusSample ParseLine(string line)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && !char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        string name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, labels);
        }

        string[] rest = line[i..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || rest.Length == 0 || !TryValue(rest[0], out double value))
        {
            throw new FormatException($"not a Prometheus sample: '{Shorten(line)}'");
        }

        return new PrometheusSample(name, labels, value);
    }

    /// <summary>Reads <c>label="value",…}</c> from <paramref name="i"/>; returns the index after the closing brace.</summary>
    private static int ParseLabels(string line, int i, Dictionary<string, string> labels)
    {
        while (true)
        {
            while (i < line.Length && (line[i] == ',' || line[i] == ' '))
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            int equals = line.IndexOf('=', i);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                throw new FormatException($"malformed label set: '{Shorten(line)}'");
            }

            string label = line[i..equals].Trim();
            var value = new System.Text.StringBuilder();
            i = equals + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            if (i >= line.Length)
            {
                throw new FormatException($"unterminated label value: '{Shorten(line)}'");
            }

            labels[label] = value.ToString();
            i++;
        }
    }

    private static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static string Shorten(string line) => line.Length <= 120 ? line : line[..120] + "…";
}
