using System.Runtime.CompilerServices;

namespace ServingBench.Wire.Codecs.Json;

/// <summary>
/// The layout of rapidjson's PrettyWriter (4-space indent), which TF Serving writes its answers with: it decides
/// the comma, newline and indent before each value from a stack of (array?, values so far), including the
/// kFormatSingleLineArray option TF switches on around each row of a row-format answer.
/// </summary>
internal struct RapidJsonPretty
{
    private const int MaxLevels = JsonInput.MaxDepth + 4;

    private const int IndentWidth = 4;

    // Each level: values so far, negated-minus-one for objects, so one int holds both facts.
    private LevelStack _levels;
    private int _depth;

    public bool SingleLineArrays { get; set; }

    public void StartObject(ref JsonOutput output) => Open(ref output, (byte)'{', isArray: false);

    public void EndObject(ref JsonOutput output) => Close(ref output, (byte)'}', breakLine: true);

    public void StartArray(ref JsonOutput output) => Open(ref output, (byte)'[', isArray: true);

    // In single-line mode a non-empty array closes on the line of its last value.
    public void EndArray(ref JsonOutput output) => Close(ref output, (byte)']', breakLine: !SingleLineArrays);

    public void Key(ref JsonOutput output, string name)
    {
        Prefix(ref output);
        output.String(name);
    }

    /// <summary>Writes what goes before a scalar value; the caller then writes the value itself.</summary>
    public void Prefix(ref JsonOutput output)
    {
        if (_depth == 0)
        {
            return;
        }

        ref int level = ref _levels[_depth - 1];
        bool inArray = level >= 0;
        int count = inArray ? level : -level - 1;
        if (inArray)
        {
            if (count > 0)
            {
                output.Byte((byte)',');
                if (SingleLineArrays)
                {
                    output.Byte((byte)' ');
                }
            }

            if (!SingleLineArrays)
            {
                output.Byte((byte)'\n');
                output.Spaces(_depth * IndentWidth);
            }

            level++;
        }
        else
        {
            if (count == 0)
            {
                output.Byte((byte)'\n');
            }
            else if (count % 2 == 0)
            {
                output.Raw(",\n"u8);
            }
            else
            {
                output.Raw(": "u8);
            }

            if (count % 2 == 0)
            {
                output.Spaces(_depth * IndentWidth);
            }

            level--;
        }
    }

    private void Open(ref JsonOutput output, byte bracket, bool isArray)
    {
        Prefix(ref output);
        output.Byte(bracket);
        Push(isArray);
    }

    // A non-empty container closes on a new line at its parent's indent (when breakLine); an empty one right away.
    private void Close(ref JsonOutput output, byte bracket, bool breakLine)
    {
        bool empty = Pop() == 0;
        if (!empty && breakLine)
        {
            output.Byte((byte)'\n');
            output.Spaces(_depth * IndentWidth);
        }

        output.Byte(bracket);
    }

    private void Push(bool isArray)
    {
        if (_depth >= MaxLevels)
        {
            throw new WireFormatException($"JSON nested deeper than {MaxLevels} levels");
        }

        _levels[_depth++] = isArray ? 0 : -1;
    }

    private int Pop()
    {
        int level = _levels[--_depth];
        return level >= 0 ? level : -level - 1;
    }

    [InlineArray(MaxLevels)]
    private struct LevelStack
    {
        private int _element;
    }
}
