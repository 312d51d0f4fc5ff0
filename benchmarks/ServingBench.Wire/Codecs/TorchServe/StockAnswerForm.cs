using ServingBench.Wire.Codecs.Json;

namespace ServingBench.Wire.Codecs.TorchServe;

/// <summary>
/// What a TorchServe stock handler answers for a file, written and read in one place, as <c>json.dumps(obj, indent=2)</c>
/// writes it (floats as Python repr, ASCII only). Each catalogue model names its form (<see cref="ModelSignature.StockAnswer"/>).
/// A client reads an answer tolerantly: it looks for the form's own members and ignores any others beside them (a
/// handler may add fields), and refuses an object in which it recognises none.
/// </summary>
public abstract class StockAnswerForm
{
    /// <summary>The form as an error message names it (<c>top-5 labels</c>, <c>a "summary" text</c>).</summary>
    public abstract string Description { get; }

    /// <summary>True when <paramref name="response"/> holds a decoded answer of this form rather than model outputs.</summary>
    public abstract bool IsAnswer(InferenceResponse response);

    /// <summary>
    /// Reads an answer of this form, or returns false when <paramref name="body"/> is a JSON object in which no member
    /// of this form is recognised. Malformed JSON is a <see cref="WireFormatException"/>.
    /// </summary>
    public abstract bool TryRead(ReadOnlySpan<byte> body, string modelName, out InferenceResponse response);

    public override string ToString() => Description;

    /// <summary>Takes one member's value and returns true, or returns false to leave it to be skipped.</summary>
    private protected delegate bool MemberReader(string name, ref JsonInput json);

    /// <summary>Walks a JSON object's members, offering each to <paramref name="read"/> and skipping what it leaves.</summary>
    private protected static void ReadMembers(ReadOnlySpan<byte> body, MemberReader read)
    {
        var json = new JsonInput(body);
        if (json.BeginObject())
        {
            do
            {
                string name = json.ReadString();
                json.Expect((byte)':');
                if (!read(name, ref json))
                {
                    json.SkipValue();
                }
            }
            while (json.NextMember());
        }

        json.ExpectEnd();
    }
}
