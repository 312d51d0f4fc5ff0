using Google.Protobuf;

namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>
/// Parsing the control-plane messages (health, metadata, status, config) with the types generated from protos/:
/// a malformed message is a <see cref="WireFormatException"/>, as it is for the hand-written tensor codecs.
/// </summary>
public static class GeneratedMessages
{
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> message)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        try
        {
            return parser.ParseFrom(message);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WireFormatException($"malformed {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
