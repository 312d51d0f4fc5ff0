using System.Buffers.Binary;

namespace ServingBench.Load.Http2;

/// <summary>HTTP/2 frame types (RFC 9113 §6) that the lean gRPC client sends or reads.</summary>
internal enum FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>Frame flags (one byte; their meaning depends on the frame type).</summary>
internal static class FrameFlags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

/// <summary>SETTINGS identifiers (RFC 9113 §6.5.2).</summary>
internal static class SettingId
{
    public const ushort HeaderTableSize = 0x1;
    public const ushort EnablePush = 0x2;
    public const ushort MaxConcurrentStreams = 0x3;
    public const ushort InitialWindowSize = 0x4;
    public const ushort MaxFrameSize = 0x5;
    public const ushort MaxHeaderListSize = 0x6;
}

/// <summary>The 9-byte frame header, and the small control frames the client writes.</summary>
internal readonly record struct Http2Frame(int Length, FrameType Type, byte Flags, int StreamId)
{
    public const int HeaderLength = 9;

    /// <summary>The frame size every endpoint must accept until told otherwise; the client never raises its own.</summary>
    public const int DefaultMaxFrameSize = 16_384;

    /// <summary>Both windows' size before SETTINGS or WINDOW_UPDATE change them.</summary>
    public const int DefaultWindowSize = 65_535;

    /// <summary>No flow-control window may exceed 2^31 − 1 bytes (RFC 9113 §6.9.1).</summary>
    public const int MaxWindowSize = int.MaxValue;

    /// <summary>The connection preface a client sends first (RFC 9113 §3.4).</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public bool Has(byte flag) => (Flags & flag) != 0;

    public static Http2Frame Read(ReadOnlySpan<byte> header) => new(
        header[0] << 16 | header[1] << 8 | header[2],
        (FrameType)header[3],
        header[4],
        BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue);

    public static void WriteHeader(Span<byte> destination, int length, FrameType type, byte flags, int streamId)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = (byte)type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], streamId);
    }

    /// <summary>A SETTINGS frame carrying <paramref name="settings"/> (none for an ACK).</summary>
    public static byte[] Settings(byte flags, params (ushort Id, uint Value)[] settings)
    {
        var frame = new byte[HeaderLength + (6 * settings.Length)];
        WriteHeader(frame, 6 * settings.Length, FrameType.Settings, flags, 0);
        for (int i = 0; i < settings.Length; i++)
        {
            var entry = frame.AsSpan(HeaderLength + (6 * i));
            BinaryPrimitives.WriteUInt16BigEndian(entry, settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(entry[2..], settings[i].Value);
        }

        return frame;
    }

    public static byte[] WindowUpdate(int streamId, int increment)
    {
        var frame = new byte[HeaderLength + 4];
        WriteHeader(frame, 4, FrameType.WindowUpdate, 0, streamId);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(HeaderLength), increment);
        return frame;
    }

    public static byte[] RstStream(int streamId, Http2ErrorCode error)
    {
        var frame = new byte[HeaderLength + 4];
        WriteHeader(frame, 4, FrameType.RstStream, 0, streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderLength), (uint)error);
        return frame;
    }

    public static byte[] PingAck(ReadOnlySpan<byte> opaque) => Ping(FrameFlags.Ack, opaque);

    public static byte[] Ping(byte flags, ReadOnlySpan<byte> opaque)
    {
        var frame = new byte[HeaderLength + 8];
        WriteHeader(frame, 8, FrameType.Ping, flags, 0);
        opaque.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>GOAWAY with no streams processed: what this client sends when the server breaks the protocol.</summary>
    public static byte[] GoAway(Http2ErrorCode error)
    {
        var frame = new byte[HeaderLength + 8];
        WriteHeader(frame, 8, FrameType.GoAway, 0, 0);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderLength + 4), (uint)error);
        return frame;
    }
}

/// <summary>RST_STREAM and GOAWAY error codes (RFC 9113 §7).</summary>
internal enum Http2ErrorCode : uint
{
    NoError = 0x0,
    ProtocolError = 0x1,
    InternalError = 0x2,
    FlowControlError = 0x3,
    SettingsTimeout = 0x4,
    StreamClosed = 0x5,
    FrameSizeError = 0x6,
    RefusedStream = 0x7,
    Cancel = 0x8,
    CompressionError = 0x9,
    ConnectError = 0xA,
    EnhanceYourCalm = 0xB,
    InadequateSecurity = 0xC,
    Http11Required = 0xD,
}
