using System.Buffers;
using Google.Protobuf;

namespace ServingBench.Emulators.Hosting;

internal static class PooledBodies
{
    /// <summary>A small, already-encoded message (control plane, fixed texts) as a response buffer.</summary>
    public static PooledBufferWriter Wrap(BufferPool buffers, byte[] message)
    {
        var body = new PooledBufferWriter(buffers, message.Length);
        body.Write(message);
        return body;
    }

    /// <summary>A control-plane message (a generated protobuf type) encoded straight into a response buffer.</summary>
    public static PooledBufferWriter Wrap(BufferPool buffers, IMessage message)
    {
        var body = new PooledBufferWriter(buffers, message.CalculateSize());
        message.WriteTo(body);
        return body;
    }
}
