using System.Buffers;
using Grpc.Core;

namespace ServingBench.Wire.Clients;

/// <summary>
/// gRPC methods whose messages stay bytes: the codec, not a generated class, turns them into tensors. One
/// marshaller pair serves clients and servers; the service and method names are the frameworks' real ones.
/// </summary>
public static class RawGrpc
{
    public const string TfPredictionService = "tensorflow.serving.PredictionService";
    public const string TfModelService = "tensorflow.serving.ModelService";
    public const string TorchServeInference = "org.pytorch.serve.grpc.inference.InferenceAPIsService";
    public const string TritonService = "inference.GRPCInferenceService";

    /// <summary>The floor rows' echo method: same framing, no codec.</summary>
    public const string EchoService = "servingbench.Echo";

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
    /// Writes a <see cref="PooledBufferWriter"/>'s bytes and returns its array to the pool: a server's response
    /// buffer lives until the framework serialises it, which happens after the handler has returned.
    /// </summary>
    public static Marshaller<PooledBufferWriter> PooledMarshaller { get; } = new(
        static (message, context) =>
        {
            try
            {
                context.SetPayloadLength(message.WrittenCount);
                var writer = context.GetBufferWriter();
                writer.Write(message.WrittenSpan);
                context.Complete();
            }
            finally
            {
                message.Dispose();
            }
        },
        static context =>
        {
            var sequence = context.PayloadAsReadOnlySequence();
            var copy = new PooledBufferWriter((int)sequence.Length);
            foreach (var segment in sequence)
            {
                copy.Write(segment.Span);
            }

            return copy;
        });

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

    public static Method<PooledBufferWriter, PooledBufferWriter> ServerMethod(string service, string method) =>
        new(MethodType.Unary, service, method, PooledMarshaller, PooledMarshaller);
}

/// <summary>One gRPC message as bytes (a reference type, as Grpc.Core's generic methods require).</summary>
public sealed class RawMessage(ReadOnlyMemory<byte> bytes)
{
    public static RawMessage Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    public ReadOnlyMemory<byte> Bytes { get; } = bytes;
}
