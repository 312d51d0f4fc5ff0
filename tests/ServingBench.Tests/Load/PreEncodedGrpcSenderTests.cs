using System.Buffers.Binary;
using Grpc.Core;
using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Backends;
using ServingBench.Load;
using ServingBench.Load.Http2;
using ServingBench.Wire.Clients;
using TorchServe = ServingBench.Wire.Protos.TorchServe;
using static ServingBench.Tests.Load.ScriptedHttp2Connection;

namespace ServingBench.Tests.Load;

/// <summary>
/// The lean gRPC client: the full client's request message on HTTP/2 streams, answers read to their end, grpc-status
/// checked. Against the emulators (Kestrel), and against a scripted server that answers as grpc's C++ core may:
/// Huffman-coded and indexed headers, padding, CONTINUATION, resets, GOAWAY. Servers that misbehave:
/// <see cref="Http2HostileServerTests"/>.
/// </summary>
public sealed class PreEncodedGrpcSenderTests
{
    [Fact]
    public async Task The_Message_Is_The_Full_Clients_Request_And_The_Emulator_Answers_It_Every_Time()
    {
        await using var emulator = await EmulatorCall.StartAsync(ScenarioCatalog.TorchServeGrpcRaw, PayloadKind.BartText);
        var client = emulator.Client;

        var parsed = TorchServe.PredictionsRequest.Parser.ParseFrom(emulator.Message);
        Assert.Equal(client.ModelName, parsed.ModelName);
        Assert.Equal(emulator.Request.Inputs[0].GetBytesElements()[0].ToArray(), parsed.Input["data"].ToByteArray());
        Assert.Equal("/org.pytorch.serve.grpc.inference.InferenceAPIsService/Predictions", client.InferPath);

        using var sender = new PreEncodedGrpcSender(client.Address, client.InferPath, emulator.Message);
        for (int i = 0; i < 20; i++)
        {
            await sender.SendAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_Message_Larger_Than_The_Windows_Flows_In_Frames_On_Concurrent_Streams()
    {
        // 602 KB a call, eight at a time: 4.8 MB in flight against Kestrel's 8 MB stream and 16 MB connection windows,
        // and against the 64 KB a connection may send before the server's first WINDOW_UPDATE.
        await using var emulator = await EmulatorCall.StartAsync(ScenarioCatalog.TritonGrpcRaw, PayloadKind.Resnet50Tensor);
        Assert.True(emulator.Message.Length > 600_000);
        using var sender = new PreEncodedGrpcSender(emulator.Client.Address, emulator.Client.InferPath, emulator.Message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        for (int round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sender.SendAsync(timeout.Token)));
        }
    }

    [Fact]
    public async Task A_Refusal_Is_Its_Grpc_Status_And_A_Cancelled_Call_Leaves_The_Connection_Usable()
    {
        var backend = new GatedBackend(new CannedBackend());
        await using var emulator = await EmulatorCall.StartAsync(ScenarioCatalog.TorchServeGrpcRaw, PayloadKind.BartText, backend);
        var (client, message) = (emulator.Client, emulator.Message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var wrongMethod = new PreEncodedGrpcSender(client.Address, "/org.pytorch.serve.grpc.inference.InferenceAPIsService/NoSuchMethod", message);
        var refused = await Assert.ThrowsAsync<ServingException>(() => wrongMethod.SendAsync(timeout.Token));
        Assert.Equal(StatusCode.Unimplemented, refused.GrpcStatus);
        Assert.Equal("Unimplemented", FailureStatus.Of(refused));

        using var sender = new PreEncodedGrpcSender(client.Address, client.InferPath, message);
        await sender.SendAsync(timeout.Token);

        // The call is given up while the server holds it: the client resets the stream and the connection stays in use.
        var held = backend.Hold();
        using (var giveUp = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
        {
            var call = sender.SendAsync(giveUp.Token);
            await held.WaitAsync(timeout.Token);
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        backend.Release();
        await sender.SendAsync(timeout.Token);
    }

    [Fact]
    public async Task Answers_As_Grpcs_Core_Sends_Them_Are_Read_And_Refusals_Counted_By_Status()
    {
        using var server = new ScriptedHttp2Server();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var script = Task.Run(() => GrpcCoreScriptAsync(server, timeout.Token));
        var sender = new PreEncodedGrpcSender(server.Address, "/test.Service/Call", "abc"u8);

        // 1: Huffman-coded, indexed headers, padded data; 2: the same from the dynamic table.
        await sender.SendAsync(timeout.Token);
        await sender.SendAsync(timeout.Token);

        // 3: trailers only, split over HEADERS and CONTINUATION, with a percent-encoded message.
        var exhausted = await Assert.ThrowsAsync<ServingException>(() => sender.SendAsync(timeout.Token));
        Assert.Equal(StatusCode.ResourceExhausted, exhausted.GrpcStatus);
        Assert.Equal("queue full", exhausted.ServerMessage);

        // 4: RST_STREAM REFUSED_STREAM.
        var reset = await Assert.ThrowsAsync<ServingException>(() => sender.SendAsync(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, reset.GrpcStatus);

        // 5: status OK with no message: a unary call must answer one.
        var empty = await Assert.ThrowsAsync<ServingException>(() => sender.SendAsync(timeout.Token));
        Assert.Equal(StatusCode.Internal, empty.GrpcStatus);

        // 6: GOAWAY before the call was processed: Unavailable; 7: the next call opens a new connection.
        var goneAway = await Assert.ThrowsAsync<ServingException>(() => sender.SendAsync(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, goneAway.GrpcStatus);
        await sender.SendAsync(timeout.Token);

        // Closing the sender closes its connection: the script's last wait.
        sender.Dispose();
        Assert.True(await script, "the client did not answer the server's PING");
    }

    /// <summary>
    /// Serves two connections with scripted answers. Returns whether the client acknowledged the PING sent first.
    /// </summary>
    private static async Task<bool> GrpcCoreScriptAsync(ScriptedHttp2Server server, CancellationToken cancellationToken)
    {
        bool pinged;
        using (var first = await server.AcceptAsync(cancellationToken))
        {
            await first.HandshakeAsync();
            await first.WriteFrameAsync(FrameType.Ping, 0, 0, new byte[8]);

            // Headers as grpc's core writes them: :status indexed, the rest Huffman-coded and added to the table.
            byte[] headers = [0x88, 0x5f, .. HuffmanString("application/grpc")];
            byte[] trailers = [0x40, .. HuffmanString("grpc-status"), .. HuffmanString("0")];
            byte[] answer = [0, 0, 0, 0, 3, .. "xyz"u8];
            int stream = await first.ReadRequestAsync(cancellationToken);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, headers);
            await first.WriteFrameAsync(FrameType.Data, FrameFlags.Padded, stream, [4, .. answer, 0, 0, 0, 0]);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, trailers);

            // The table now holds grpc-status: 0 (index 62) and content-type (63).
            stream = await first.ReadRequestAsync(cancellationToken);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [0x88, 0xbf]);
            await first.WriteFrameAsync(FrameType.Data, 0, stream, answer);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, [0xbe]);

            stream = await first.ReadRequestAsync(cancellationToken);
            byte[] trailersOnly = [0x88, 0xbf, 0x00, .. PlainString("grpc-status"), .. PlainString("8"), 0x00, .. PlainString("grpc-message"), .. PlainString("queue%20full")];
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndStream, stream, trailersOnly[..5]);
            await first.WriteFrameAsync(FrameType.Continuation, FrameFlags.EndHeaders, stream, trailersOnly[5..]);

            stream = await first.ReadRequestAsync(cancellationToken);
            await first.WriteFrameAsync(FrameType.RstStream, 0, stream, [0, 0, 0, (byte)Http2ErrorCode.RefusedStream]);

            stream = await first.ReadRequestAsync(cancellationToken);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [0x88, 0xbf]);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, [0xbe]);

            stream = await first.ReadRequestAsync(cancellationToken);
            byte[] goAway = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(goAway, stream - 2);
            await first.WriteFrameAsync(FrameType.GoAway, 0, 0, goAway);

            // With no call left after the GOAWAY, the client closes the connection.
            await first.ReadUntilClosedAsync(cancellationToken);
            pinged = first.SawPingAck;
        }

        using var second = await server.AcceptAsync(cancellationToken);
        await second.HandshakeAsync();
        int next = await second.ReadRequestAsync(cancellationToken);
        Assert.Equal(1, next);
        await second.AnswerAsync(next);
        await second.ReadUntilClosedAsync(cancellationToken);
        return pinged;
    }

    /// <summary>An emulator for one scenario, the full client connected to it, and that client's request message.</summary>
    private sealed class EmulatorCall(RunningEmulators servers, GrpcInferenceClient client, InferenceRequest request) : IAsyncDisposable
    {
        public GrpcInferenceClient Client => client;

        public InferenceRequest Request => request;

        public byte[] Message { get; } = client.EncodeRequestMessage(request);

        public static async Task<EmulatorCall> StartAsync(Scenario scenario, PayloadKind kind, IInferenceBackend? backend = null)
        {
            var options = backend is null ? new EmulatorOptions() : new EmulatorOptions { Backend = backend };
            var servers = await EmulatedServers.StartAsync(options, [scenario.Framework]);
            var payload = PayloadFactory.Get(kind);
            var client = (GrpcInferenceClient)await InferenceClients.ConnectAsync(scenario, payload.Model, servers.Address(scenario.Framework, scenario.Protocol));
            return new EmulatorCall(servers, client, payload.RequestFor(scenario));
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await servers.DisposeAsync();
        }
    }
}
