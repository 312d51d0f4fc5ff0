using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using TextEncoding = System.Text.Encoding;
using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Backends;
using ServingBench.Load;
using ServingBench.Load.Http2;
using ServingBench.Payloads;
using ServingBench.Wire.Clients;
using ServingBench.Wire.Scenarios;
using ServingBench.Wire.Tensors;
using TorchServe = ServingBench.Wire.Protos.TorchServe;

namespace ServingBench.Tests.Load;

/// <summary>
/// The lean gRPC client: the full client's request message on HTTP/2 streams, answers read to their end, grpc-status
/// checked. Against the emulators (Kestrel), and against a scripted server that answers as grpc's C++ core may:
/// Huffman-coded and indexed headers, padding, CONTINUATION, resets, GOAWAY.
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
        var backend = new StallingBackend(new CannedBackend());
        await using var emulator = await EmulatorCall.StartAsync(ScenarioCatalog.TorchServeGrpcRaw, PayloadKind.BartText, backend);
        var (client, message) = (emulator.Client, emulator.Message);

        using var wrongMethod = new PreEncodedGrpcSender(client.Address, "/org.pytorch.serve.grpc.inference.InferenceAPIsService/NoSuchMethod", message);
        var refused = await Assert.ThrowsAsync<ServingException>(() => wrongMethod.SendAsync(CancellationToken.None));
        Assert.Equal(StatusCode.Unimplemented, refused.GrpcStatus);
        Assert.Equal("Unimplemented", FailureStatus.Of(refused));

        using var sender = new PreEncodedGrpcSender(client.Address, client.InferPath, message);
        await sender.SendAsync(CancellationToken.None);
        var stall = TimeSpan.FromSeconds(1);
        backend.StallAt(DateTime.UtcNow, stall);
        using (var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(soon.Token));
        }

        // The stalled answer arrives later on a reset stream and is dropped; the connection serves the next call.
        await Task.Delay(stall);
        await sender.SendAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Answers_As_Grpcs_Core_Sends_Them_Are_Read_And_Refusals_Counted_By_Status()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(() => ScriptedServerAsync(listener));
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        using var sender = new PreEncodedGrpcSender(address, "/test.Service/Call", "abc"u8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

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

        Assert.True(await server.WaitAsync(timeout.Token), "the client did not answer the server's PING");
    }

    /// <summary>
    /// Serves two connections with scripted answers. Returns whether the client acknowledged the PING sent first.
    /// </summary>
    private static async Task<bool> ScriptedServerAsync(TcpListener listener)
    {
        bool pinged;
        using (var first = new FakeHttp2Connection(await listener.AcceptSocketAsync()))
        {
            await first.HandshakeAsync();
            await first.WriteFrameAsync(FrameType.Ping, 0, 0, new byte[8]);

            // Headers as grpc's core writes them: :status indexed, the rest Huffman-coded and added to the table.
            byte[] headers = [0x88, 0x5f, .. HuffmanString("application/grpc")];
            byte[] trailers = [0x40, .. HuffmanString("grpc-status"), .. HuffmanString("0")];
            byte[] answer = [0, 0, 0, 0, 3, .. "xyz"u8];
            int stream = await first.ReadRequestAsync();
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, headers);
            await first.WriteFrameAsync(FrameType.Data, FrameFlags.Padded, stream, [4, .. answer, 0, 0, 0, 0]);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, trailers);

            // The table now holds grpc-status: 0 (index 62) and content-type (63).
            stream = await first.ReadRequestAsync();
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [0x88, 0xbf]);
            await first.WriteFrameAsync(FrameType.Data, 0, stream, answer);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, [0xbe]);

            stream = await first.ReadRequestAsync();
            byte[] trailersOnly = [0x88, 0xbf, 0x00, .. PlainString("grpc-status"), .. PlainString("8"), 0x00, .. PlainString("grpc-message"), .. PlainString("queue%20full")];
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndStream, stream, trailersOnly[..5]);
            await first.WriteFrameAsync(FrameType.Continuation, FrameFlags.EndHeaders, stream, trailersOnly[5..]);

            stream = await first.ReadRequestAsync();
            await first.WriteFrameAsync(FrameType.RstStream, 0, stream, [0, 0, 0, (byte)Http2ErrorCode.RefusedStream]);

            stream = await first.ReadRequestAsync();
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [0x88, 0xbf]);
            await first.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, stream, [0xbe]);

            stream = await first.ReadRequestAsync();
            byte[] goAway = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(goAway, stream - 2);
            await first.WriteFrameAsync(FrameType.GoAway, 0, 0, goAway);
            pinged = first.SawPingAck;

            // Closing at once could reset the connection before the client has read the GOAWAY.
            await Task.Delay(300);
        }

        using var second = new FakeHttp2Connection(await listener.AcceptSocketAsync());
        await second.HandshakeAsync();
        int next = await second.ReadRequestAsync();
        Assert.Equal(1, next);
        await second.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders, next, [0x88]);
        await second.WriteFrameAsync(FrameType.Data, 0, next, [0, 0, 0, 0, 0]);
        await second.WriteFrameAsync(FrameType.Headers, FrameFlags.EndHeaders | FrameFlags.EndStream, next, [0x00, .. PlainString("grpc-status"), .. PlainString("0")]);
        await Task.Delay(200);
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

    private static byte[] HuffmanString(string text)
    {
        byte[] encoded = HpackDecoderTests.HuffmanEncode(TextEncoding.ASCII.GetBytes(text));
        Assert.True(encoded.Length < 127);
        return [(byte)(0x80 | encoded.Length), .. encoded];
    }

    private static byte[] PlainString(string text) => [(byte)text.Length, .. TextEncoding.ASCII.GetBytes(text)];

    /// <summary>The server side of one HTTP/2 connection, frame by frame, for scripting answers.</summary>
    private sealed class FakeHttp2Connection(Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);

        public bool SawPingAck { get; private set; }

        public async Task HandshakeAsync()
        {
            var preface = new byte[24];
            await _stream.ReadExactlyAsync(preface);
            Assert.Equal(Http2Frame.ClientPreface.ToArray(), preface);
            await WriteFrameAsync(FrameType.Settings, 0, 0, [0, (byte)SettingId.MaxConcurrentStreams, 0, 0, 0, 10]);
        }

        /// <summary>Reads frames until a request's last DATA frame; returns its stream id.</summary>
        public async Task<int> ReadRequestAsync()
        {
            while (true)
            {
                var header = new byte[Http2Frame.HeaderLength];
                await _stream.ReadExactlyAsync(header);
                var frame = Http2Frame.Read(header);
                await _stream.ReadExactlyAsync(new byte[frame.Length]);
                if (frame.Type == FrameType.Ping && frame.Has(FrameFlags.Ack))
                {
                    SawPingAck = true;
                }

                if (frame.Type == FrameType.Data && frame.Has(FrameFlags.EndStream))
                {
                    return frame.StreamId;
                }
            }
        }

        public async Task WriteFrameAsync(FrameType type, byte flags, int streamId, byte[] payload)
        {
            var frame = new byte[Http2Frame.HeaderLength + payload.Length];
            Http2Frame.WriteHeader(frame, payload.Length, type, flags, streamId);
            payload.CopyTo(frame, Http2Frame.HeaderLength);
            await _stream.WriteAsync(frame);
        }

        public void Dispose() => _stream.Dispose();
    }
}
