namespace ServingBench.Wire.Codecs.Protobuf;

/// <summary>Hands a message of known size one contiguous span of the body, and checks it was filled exactly.</summary>
internal static class ProtoBody
{
    public static Span<byte> Reserve(IBufferWriter<byte> body, long size, string message)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (size > Array.MaxLength)
        {
            throw new WireFormatException($"{message} of {size} bytes exceeds the largest message this codec writes");
        }

        return body.GetSpan(Math.Max((int)size, 1))[..(int)size];
    }

    /// <summary>
    /// Checks the message filled its span exactly and advances the body past it; returns the content every protobuf
    /// encoder answers, so an encoder ends with <c>return ProtoBody.Commit(…)</c>.
    /// </summary>
    public static WireContent Commit(IBufferWriter<byte> body, int written, long size, string message)
    {
        if (written != size)
        {
            throw new InvalidOperationException($"{message}: wrote {written} bytes, sized {size}");
        }

        body.Advance(written);
        return WireContent.Protobuf;
    }
}
