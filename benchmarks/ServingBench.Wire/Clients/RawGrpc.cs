using Grpc.Core;
using ServingBench.Wire.Codecs;

namespace ServingBench.Wire.Clients;

/// <summary>
/// The client's gRPC methods whose messages stay bytes: the codec, not a generated class, turns them into tensors.
/// Service names come from <see cref="GrpcServices"/>; the emulators' server-side marshaller lives with them.
/// </summary>
public static class RawGrpc
{
    /// <summary>Writes an already-encoded message (the codec's output) as the gRPC payload; reads one as an owned array.</summary>
    public static Marshaller<RawMessage> MessageMarshaller { get; } = new(
        static (message, context) =>
        {
            context.SetPayloadLength(message.Bytes.Length);
            var writer = context.GetBufferWriter();
            writer.Write(message.Bytes.Span);
            context.Complete();
        },
        static context => new RawMessage(CopyPayload(context)));

    /// <summary>
    /// Response bytes as an array the caller owns. Grpc.Net.Client reads each message into a buffer rented from
    /// ArrayPool and returns it once the deserializer has run, so a single segment cannot be kept in place:
    /// exactly one copy, into an array that the decoded tensors (raw codecs view it) then own.
    /// </summary>
    public static byte[] CopyPayload(DeserializationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sequence = context.PayloadAsReadOnlySequence();
        if (sequence.IsSingleSegment)
        {
            return sequence.First.ToArray();
        }

        return sequence.ToArray();
    }

    public static Method<RawMessage, RawMessage> ClientMethod(string service, string method) =>
        new(MethodType.Unary, service, method, MessageMarshaller, MessageMarshaller);
}

/// <summary>One gRPC message as bytes (a reference type, as Grpc.Core's generic methods require).</summary>
public sealed class RawMessage(ReadOnlyMemory<byte> bytes)
{
    public static RawMessage Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    public ReadOnlyMemory<byte> Bytes { get; } = bytes;
}
