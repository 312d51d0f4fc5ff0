using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Encoding = System.Text.Encoding;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServingBench.Emulators;
using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Hosting;
using ServingBench.Payloads.Catalogue;

namespace ServingBench.Tests.Emulators;

/// <summary>
/// The probes of a hostile but fair user, each reproduced: compressed bombs, lying Content-Lengths, many distinct
/// batch sizes, empty sequences, a JPEG marker before garbage, a zero-padded version, and a failing backend.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class HostileInputTests(EmulatorFixture fixture) : IDisposable
{
    private const string BartJson = "{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,2],\"datatype\":\"INT64\",\"data\":[5,6]}]}";

    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    /// <summary>1 MB of gzip that inflates to 1 GiB: over the wire, each framework's error for a body over its limit.</summary>
    [Theory]
    [InlineData(Framework.Triton, "v2/models/bart/infer", 400)]
    [InlineData(Framework.TfServing, "v1/models/bart:predict", 413)]
    public async Task Gzip_Bomb_Is_Refused_At_The_Body_Limit(Framework framework, string path, int expected)
    {
        byte[] bomb = GzipOfZeros(1L << 30);
        Assert.InRange(bomb.Length, 512 * 1024, 2 * 1024 * 1024);

        using var content = new ByteArrayContent(bomb);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        using var response = await _http.PostAsync(Url(framework, path), content);

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Contains("exceeds the limit", ErrorOf(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// The bomb is refused without inflating it all: reading stops at the limit, so only the compressed bytes that
    /// inflate to the limit are consumed (the first 64 MiB of zeros are about a sixteenth of the 1 GiB bomb's bytes).
    /// Counted bytes rather than time or the process's allocations, which other tests running beside it would blur.
    /// </summary>
    [Fact]
    public async Task Gzip_Bomb_Is_Read_Only_Up_To_The_Limit()
    {
        byte[] bomb = GzipOfZeros(1L << 30);
        var counted = new CountingStream(new MemoryStream(bomb));
        var context = new DefaultHttpContext();
        context.Request.Body = counted;
        context.Request.Headers.ContentEncoding = "gzip";

        var refused = await Assert.ThrowsAsync<ServerError>(() => HttpExchange.ReadBodyAsync(context.Request, new BufferPool(), EmulatorOptions.DefaultMaxRestBodyBytes, default, RequestCoding.Gzip));

        Assert.Equal(ErrorKind.TooLarge, refused.Kind);
        double limitShare = bomb.Length * (EmulatorOptions.DefaultMaxRestBodyBytes / (double)(1L << 30));
        Assert.InRange(counted.BytesRead, 1, (long)(limitShare * 1.5) + 64 * 1024);
    }

    [Fact]
    public async Task Deflate_Bomb_Is_Refused_Too()
    {
        using var packed = new MemoryStream();
        using (var deflate = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 80; i++)
            {
                deflate.Write(zeros);
            }
        }

        using var content = new ByteArrayContent(packed.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Encoding", "deflate");
        using var response = await _http.PostAsync(Url(Framework.Triton, "v2/models/bart/infer"), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("decompressed request body exceeds the limit", ErrorOf(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>A declared length no larger than the limit sizes the first buffer only up to 1 MiB; the rest must arrive.</summary>
    [Fact]
    public async Task Declared_Length_Does_Not_Size_The_Buffer()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes("{\"a\": 1 }"));
        context.Request.ContentLength = 60_000_000;
        using var body = await HttpExchange.ReadBodyAsync(context.Request, new BufferPool(), EmulatorOptions.DefaultMaxRestBodyBytes, default);
        Assert.Equal(9, body.WrittenCount);
        Assert.True(body.GetMemory().Length <= 4 * 1024 * 1024, $"a 9-byte body holds a {body.GetMemory().Length:N0}-byte buffer");
    }

    /// <summary>Over the wire: 9 bytes that claim 600 MB get the framework's error, not an empty 500.</summary>
    [Theory]
    [InlineData(Framework.Triton, "/v2/models/bart/infer", 400)]
    [InlineData(Framework.TfServing, "/v1/models/bart:predict", 413)]
    [InlineData(Framework.TorchServe, "/predictions/bart", 413)]
    public async Task Lying_Content_Length_Gets_The_Framework_Error(Framework framework, string path, int expected)
    {
        var address = fixture.Servers.Address(framework, Protocol.Rest);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        string head = $"POST {path} HTTP/1.1\r\nHost: {address.Host}\r\nContent-Type: application/json\r\nContent-Length: 600000000\r\n\r\n{{\"a\": 1 }}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // The server answers at once, without waiting for the 600 MB that will never come.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var chunk = new byte[4096];
        string response = string.Empty;
        while (!IsComplete(response))
        {
            int read = await stream.ReadAsync(chunk, timeout.Token);
            Assert.True(read > 0, $"connection closed after: {response}");
            received.Write(chunk, 0, read);
            response = Encoding.UTF8.GetString(received.ToArray());
        }

        Assert.True(response.StartsWith($"HTTP/1.1 {expected} ", StringComparison.Ordinal), response);
        Assert.Contains("application/json", response, StringComparison.Ordinal);
        Assert.Contains("exceeds the limit", response, StringComparison.Ordinal);
    }

    /// <summary>600 distinct batch sizes once added about 400 MB; the canned outputs kept now stay within their budget.</summary>
    [Fact]
    public async Task Canned_Outputs_For_Many_Batch_Sizes_Stay_Within_Budget()
    {
        var backend = new CannedBackend();
        var model = ModelCatalog.Bart.Signature;
        for (int batch = 1; batch <= 300; batch++)
        {
            var request = new InferenceRequest { ModelName = model.Name, Inputs = [Tensor.FromInt64s("input_ids", [batch, 1], new long[batch])] };
            var response = await backend.InferAsync(model, request, default);
            Assert.Equal(batch, response.Outputs[0].Shape[0]);
        }

        // Unbounded, these 300 outputs held 300·301/2 × 142 int64 ≈ 51 MB.
        Assert.InRange(backend.CachedBytes, 1, CannedBackend.CacheBudgetBytes);
    }

    /// <summary>An empty sequence ([1,0]) passes a [-1,-1] signature but no model runs it: 400 from every REST front.</summary>
    [Theory]
    [InlineData(Framework.Triton, "v2/models/bart/infer", "{\"inputs\":[{\"name\":\"input_ids\",\"shape\":[1,0],\"datatype\":\"INT64\",\"data\":[]}]}")]
    [InlineData(Framework.TfServing, "v1/models/bart:predict", "{\"inputs\": {\"input_ids\": [[]]}}")]
    [InlineData(Framework.TfServing, "v1/models/bart:predict", "{\"instances\": [[]]}")]
    public async Task Empty_Sequence_Is_Refused(Framework framework, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Url(framework, path), content);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.False(string.IsNullOrWhiteSpace(ErrorOf(body)));
    }

    [Fact]
    public async Task Empty_Sequence_Is_Refused_By_TorchServe()
    {
        var scenario = ScenarioCatalog.ParseScenario("torchserve-rest-raw");
        var client = await fixture.ClientAsync(scenario, ModelCatalog.Bart.Name);
        var request = new InferenceRequest { ModelName = ModelCatalog.Bart.Name, Inputs = [Tensor.FromInt64s("input_ids", [1, 0], [])] };
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.InferAsync(request));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A JPEG start marker followed by garbage is no image: the stock handler's decode fails, so the emulator refuses it.</summary>
    [Fact]
    public async Task TorchServe_Refuses_A_Jpeg_Marker_Followed_By_Garbage()
    {
        byte[] fake = [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, 500).Select(i => (byte)(i * 37))];
        using var content = new ByteArrayContent(fake);
        content.Headers.TryAddWithoutValidation("Content-Type", "image/jpeg");
        using var response = await _http.PostAsync(Url(Framework.TorchServe, "predictions/resnet50"), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("JPEG", document.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The real fixture still classifies.
        using var real = new ByteArrayContent(FixtureFiles.ReadAllBytes(FixtureFiles.CatJpeg));
        real.Headers.TryAddWithoutValidation("Content-Type", "image/jpeg");
        using var classified = await _http.PostAsync(Url(Framework.TorchServe, "predictions/resnet50"), real);
        Assert.Equal(HttpStatusCode.OK, classified.StatusCode);
    }

    /// <summary>TF Serving reads the version as an integer: "01" is version 1; an unparsable one is 400.</summary>
    [Fact]
    public async Task TfServing_Reads_Version_01_As_1()
    {
        using var status = await _http.GetAsync(Url(Framework.TfServing, "v1/models/bart/versions/01"));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using var content = new StringContent("{\"instances\": [[5, 6]]}", Encoding.UTF8, "application/json");
        using var predicted = await _http.PostAsync(Url(Framework.TfServing, "v1/models/bart/versions/0001:predict"), content);
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        using var missing = await _http.GetAsync(Url(Framework.TfServing, "v1/models/bart/versions/02"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Specific(bart, 2)", ErrorOf(await missing.Content.ReadAsStringAsync()));
        using var huge = await _http.GetAsync(Url(Framework.TfServing, "v1/models/bart/versions/99999999999999999999"));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
    }

    /// <summary>A failing backend: each 500 is logged as one line; client errors are not; a flood is cut to 10 lines a second.</summary>
    [Fact]
    public async Task Server_Errors_Are_Logged_One_Line_Each_Rate_Limited()
    {
        using var log = new StringWriter();
        var options = new EmulatorOptions { Backend = new FailingBackend(), ErrorLog = new ErrorLog(TextWriter.Synchronized(log)) };
        await using var servers = await EmulatedServers.StartAsync(options, [Framework.Triton]);
        var url = new Uri(servers.Address(Framework.Triton, Protocol.Rest), "v2/models/bart/infer");
        for (int i = 0; i < 3; i++)
        {
            using var content = new StringContent(BartJson, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(url, content);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        using (var notFound = await _http.GetAsync(new Uri(servers.Address(Framework.Triton, Protocol.Rest), "v2/models/nope")))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Contains("triton: POST /v2/models/bart/infer -> 500: internal error: InvalidOperationException: backend exploded", line, StringComparison.Ordinal));

        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var flood = new StringWriter();
        var limited = new ErrorLog(flood, clock);
        var error = new ServerError(ErrorKind.Internal, "boom");
        for (int i = 0; i < 25; i++)
        {
            limited.Report("triton", "POST /x", error, 500);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        limited.Report("triton", "POST /x", error, 500);
        lines = flood.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ErrorLog.LinesPerSecond + 2, lines.Length);
        Assert.Contains("15 more errors", lines[ErrorLog.LinesPerSecond], StringComparison.Ordinal);
    }

    /// <summary>Headers and as many body bytes as their Content-Length says.</summary>
    private static bool IsComplete(string response)
    {
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = System.Text.RegularExpressions.Regex.Match(response[..end], @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return length.Success && Encoding.UTF8.GetByteCount(response[(end + 4)..]) >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A read-only stream that counts the bytes taken from it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }

    internal static byte[] GzipOfZeros(long length)
    {
        // Concatenated gzip members inflate as one body; one 16 MiB member of zeros compresses to about 16 KB.
        using var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new byte[16 << 20]);
        }

        byte[] one = member.ToArray();
        var all = new byte[one.Length * (length / (16 << 20))];
        for (int offset = 0; offset < all.Length; offset += one.Length)
        {
            one.CopyTo(all, offset);
        }

        return all;
    }

    private Uri Url(Framework framework, string path) => new(fixture.Servers.Address(framework, Protocol.Rest), path);

    private static string ErrorOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        return root.TryGetProperty("error", out var error) ? error.GetString() ?? string.Empty : root.GetProperty("message").GetString() ?? string.Empty;
    }

    private sealed class FailingBackend : IInferenceBackend
    {
        public string Name => "failing";

        public ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("backend exploded");
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
