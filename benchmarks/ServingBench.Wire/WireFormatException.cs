namespace ServingBench.Wire;

/// <summary>
/// The one exception every codec raises for bad input: invalid JSON, a shape that disagrees with the data,
/// an unknown datatype, a truncated binary body, a missing field. The message names the problem so that an
/// emulator can return it verbatim as a 400 / INVALID_ARGUMENT, as the real servers do.
/// </summary>
public sealed class WireFormatException : Exception
{
    public WireFormatException(string message)
        : base(message)
    {
    }

    public WireFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WireFormatException()
        : base("malformed wire payload")
    {
    }
}
