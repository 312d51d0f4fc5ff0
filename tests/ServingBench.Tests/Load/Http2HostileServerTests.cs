using System.Buffers.Binary;
using Grpc.Core;
using ServingBench.Load;
using ServingBench.Load.Http2;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Load;

/// <summary>
/// The lean gRPC client against servers that misbehave on purpose. In each case the client neither hangs nor grows:
/// the calls the fault touches fail with a status that says why, and the next call succeeds, on a new connection
/// after a connection error and on the same one after a stream error (RFC 9113 §5.4).
/// </summary>
public sealed class Http2HostileServerTests
{
    private const string Path = "/test.Service/Call";

    [Fact]
    public async Task Endless_Empty_Continuation_Frames_Fail_The_Call_After_The_Continuation_Cap()
    {
        var (failure, sent) = await ConnectionErrorAsync(async (server, stream) =>
        {
            await server.WriteFrameAsync(FrameType.Headers, 0, stream, [0x88]);
            byte[] flood = new byte[1000 * Http2Frame.HeaderLength];
            for (int i = 0; i < 1000; i++)
            {
                Http2Frame.WriteHeader(flood.AsSpan(i * Http2Frame.HeaderLength), 0, FrameType.Continuation, 0, stream);
            }

            // Until the client hangs up, or a hundred thousand frames (then a client without a cap waits for more, and
            // the test's timeout, not this script, ends it).
            for (int batch = 0; batch < 100; batch++)
            {
                try
                {
                    await server.WriteAsync(flood);
                }
                catch (IOException)
                {
                    return;
                }
            }
        });

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("8 CONTINUATION frames", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, GoAwayCode(sent));
    }

    [Fact]
    public async Task A_Header_Bomb_Fails_The_Call_At_The_Header_List_Cap()
    {
        var (failure, sent) = await ConnectionErrorAsync(async (server, stream) =>
        {
            // One ~4 KB table entry, then 2,000 one-byte references to it: 8 MB of headers from a 6 KB frame.
            var bomb = new List<byte> { 0x88, 0x40, 1, (byte)'x' };
            HpackDecoder.WriteInteger(bomb, 4000, 7, 0);
            bomb.AddRange(Enumerable.Repeat((byte)'a', 4000));
            bomb.AddRange(Enumerable.Repeat((byte)0xbe, 2000));
            await server.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [.. bomb]);
        });

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("more than 65536 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.CompressionError, GoAwayCode(sent));
    }

    [Fact]
    public async Task A_Table_Size_Update_After_A_Field_Fails_The_Call_As_A_Compression_Error()
    {
        var (failure, sent) = await ConnectionErrorAsync(
            (server, stream) => server.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [0x88, 0x20]));

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("size update after a header field", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.CompressionError, GoAwayCode(sent));
    }

    [Fact]
    public async Task A_Window_Update_Of_Zero_On_The_Connection_Is_A_Connection_Error()
    {
        var (failure, sent) = await ConnectionErrorAsync((server, _) => server.WriteAsync(Http2Frame.WindowUpdate(0, 0)));

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("WINDOW_UPDATE of 0 on the connection", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.ProtocolError, GoAwayCode(sent));
    }

    [Fact]
    public async Task A_Window_Update_Past_Two_To_The_31_On_The_Connection_Is_A_Connection_Error()
    {
        var (failure, sent) = await ConnectionErrorAsync((server, _) => server.WriteAsync(Http2Frame.WindowUpdate(0, int.MaxValue)));

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("lifts the connection's window past 2^31 - 1", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Http2ErrorCode.FlowControlError, GoAwayCode(sent));
    }

    [Fact]
    public async Task A_Window_Update_Of_Zero_On_A_Stream_Resets_Only_That_Stream()
    {
        var failure = await StreamErrorAsync(0, Http2ErrorCode.ProtocolError);

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("WINDOW_UPDATE of 0 on stream 1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Window_Update_Past_Two_To_The_31_On_A_Stream_Resets_Only_That_Stream()
    {
        var failure = await StreamErrorAsync(int.MaxValue, Http2ErrorCode.FlowControlError);

        Assert.Equal(StatusCode.Internal, failure.GrpcStatus);
        Assert.Contains("lifts stream 1's window past 2^31 - 1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Server_That_Stops_Reading_Fails_The_Calls_At_The_Write_Deadline()
    {
        // More than the two sockets' buffers hold, so that the first call's write cannot finish once the server stops reading.
        byte[] message = new byte[32 << 20];
        var limits = Http2Limits.Default with { WriteTimeout = TimeSpan.FromSeconds(2) };
        using var server = new ScriptedHttp2Server();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var sender = new PreEncodedGrpcSender(server.Address, Path, message, limits);

        var accepted = server.AcceptAsync(timeout.Token);
        var calls = new[] { sender.SendAsync(timeout.Token), sender.SendAsync(timeout.Token) };
        using (var stalled = await accepted)
        {
            // Windows wide open, then nothing read: the client's writes fill the socket and stop.
            await stalled.HandshakeWithOpenWindowsAsync(read: false);
            foreach (var call in calls)
            {
                var failure = await Assert.ThrowsAsync<ServingException>(() => call);
                Assert.Equal(StatusCode.Unavailable, failure.GrpcStatus);
                Assert.Contains("did not finish within 2 s: the server stopped reading", failure.Message, StringComparison.Ordinal);
            }
        }

        await NextCallSucceedsOnANewConnectionAsync(server, sender, timeout.Token);
    }

    [Fact]
    public async Task After_Goaway_Calls_Above_The_Last_Stream_Fail_And_The_Connection_Closes_Once_Its_Last_Call_Ends()
    {
        using var server = new ScriptedHttp2Server();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var sender = new PreEncodedGrpcSender(server.Address, Path, "abc"u8);

        var accepted = server.AcceptAsync(timeout.Token);
        var calls = new[] { sender.SendAsync(timeout.Token), sender.SendAsync(timeout.Token) };
        using (var first = await accepted)
        {
            await first.HandshakeAsync();
            Assert.Equal(1, await first.ReadRequestAsync(timeout.Token));
            Assert.Equal(3, await first.ReadRequestAsync(timeout.Token));
            byte[] goAway = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(goAway, 1);
            await first.WriteFrameAsync(FrameType.GoAway, 0, 0, goAway);
            await first.AnswerAsync(1);

            // The client closes the connection by itself once stream 1 has ended: this read ends.
            await first.ReadUntilClosedAsync(timeout.Token);
        }

        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call;
                return "OK";
            }
            catch (ServingException ex) when (ex.Message.Contains("GOAWAY", StringComparison.Ordinal))
            {
                return FailureStatus.Of(ex);
            }
        }));
        Assert.Equal(["OK", "Unavailable"], outcomes.Order());

        await NextCallSucceedsOnANewConnectionAsync(server, sender, timeout.Token);
    }

    [Fact]
    public async Task An_Unanswered_Ping_Fails_The_Waiting_Call_And_Retires_The_Connection()
    {
        var limits = Http2Limits.Default with { PingAfterSilence = TimeSpan.FromMilliseconds(100), PingTimeout = TimeSpan.FromSeconds(1) };
        using var server = new ScriptedHttp2Server();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var sender = new PreEncodedGrpcSender(server.Address, Path, "abc"u8, limits);

        var accepted = server.AcceptAsync(timeout.Token);
        var call = sender.SendAsync(timeout.Token);
        using (var silent = await accepted)
        {
            // The call is read and never answered, and neither is the PING the silence brings.
            await silent.HandshakeAsync(answerPings: false);
            var sent = await silent.ReadUntilClosedAsync(timeout.Token);
            Assert.Contains(sent, f => f.Type == FrameType.Data && f.Header.Has(FrameFlags.EndStream));
            Assert.Contains(sent, f => f.Type == FrameType.Ping && !f.Header.Has(FrameFlags.Ack));
        }

        var failure = await Assert.ThrowsAsync<ServingException>(() => call);
        Assert.Equal(StatusCode.Unavailable, failure.GrpcStatus);
        Assert.Contains("did not answer a PING within 1 s", failure.Message, StringComparison.Ordinal);

        await NextCallSucceedsOnANewConnectionAsync(server, sender, timeout.Token);
    }

    /// <summary>
    /// One call that <paramref name="misbehave"/> answers (given the server's connection and the call's stream): the call
    /// must fail, the client must close the connection with a GOAWAY, and the next call must succeed on a new one.
    /// Returns the failure and the frames the client sent on the first connection.
    /// </summary>
    private static async Task<(ServingException Failure, List<ScriptedFrame> Sent)> ConnectionErrorAsync(Func<ScriptedHttp2Connection, int, Task> misbehave)
    {
        using var server = new ScriptedHttp2Server();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var sender = new PreEncodedGrpcSender(server.Address, Path, "abc"u8);

        var accepted = server.AcceptAsync(timeout.Token);
        var call = sender.SendAsync(timeout.Token);
        List<ScriptedFrame> sent;
        using (var hostile = await accepted)
        {
            await hostile.HandshakeAsync();
            int stream = await hostile.ReadRequestAsync(timeout.Token);
            await misbehave(hostile, stream);
            sent = await hostile.ReadUntilClosedAsync(timeout.Token);
        }

        var failure = await Assert.ThrowsAsync<ServingException>(() => call);
        await NextCallSucceedsOnANewConnectionAsync(server, sender, timeout.Token);
        return (failure, sent);
    }

    /// <summary>
    /// A WINDOW_UPDATE of <paramref name="increment"/> on the first call's stream: that call fails, its stream is reset
    /// with <paramref name="expected"/>, and the next call is answered on the same connection.
    /// </summary>
    private static async Task<ServingException> StreamErrorAsync(int increment, Http2ErrorCode expected)
    {
        using var server = new ScriptedHttp2Server();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var sender = new PreEncodedGrpcSender(server.Address, Path, "abc"u8);

        var accepted = server.AcceptAsync(timeout.Token);
        var call = sender.SendAsync(timeout.Token);
        using var connection = await accepted;
        await connection.HandshakeAsync();
        int stream = await connection.ReadRequestAsync(timeout.Token);
        await connection.WriteAsync(Http2Frame.WindowUpdate(stream, increment));
        var failure = await Assert.ThrowsAsync<ServingException>(() => call);

        var reset = await connection.ReadUntilAsync(f => f.Type is FrameType.RstStream or FrameType.GoAway, timeout.Token);
        Assert.Equal((FrameType.RstStream, stream, expected), (reset.Type, reset.StreamId, reset.ErrorCode));

        var next = sender.SendAsync(timeout.Token);
        int nextStream = await connection.ReadRequestAsync(timeout.Token);
        Assert.Equal(stream + 2, nextStream);
        await connection.AnswerAsync(nextStream);
        await next;
        return failure;
    }

    /// <summary>The sender's next call opens a new connection (its first stream is 1) and succeeds there.</summary>
    private static async Task NextCallSucceedsOnANewConnectionAsync(ScriptedHttp2Server server, PreEncodedGrpcSender sender, CancellationToken cancellationToken)
    {
        var accepted = server.AcceptAsync(cancellationToken);
        var call = sender.SendAsync(cancellationToken);
        using var connection = await accepted;
        await connection.HandshakeWithOpenWindowsAsync();
        int stream = await connection.ReadRequestAsync(cancellationToken);
        Assert.Equal(1, stream);
        await connection.AnswerAsync(stream);
        await call;
    }

    private static Http2ErrorCode GoAwayCode(List<ScriptedFrame> sent) => Assert.Single(sent, f => f.Type == FrameType.GoAway).ErrorCode;
}
