using System.Globalization;
using System.Text;
using Grpc.Core;

namespace ServingBench.Load.Http2;

/// <summary>
/// One unary gRPC call on one HTTP/2 stream: what the answer said so far (<c>:status</c>, <c>grpc-status</c>,
/// <c>grpc-message</c>, the message's length), and its outcome once the stream ends. The connection's reader fills
/// it; the caller awaits <see cref="Outcome"/>.
/// </summary>
/// <remarks>
/// The answer's message is counted, not kept: its 5-byte gRPC prefix is read to check that exactly one whole message
/// arrived, as a unary call must answer. The probe before a run decodes one answer fully.
/// </remarks>
internal sealed class GrpcCall(string path) : IHeaderSink
{
    private readonly TaskCompletionSource _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _prefix = new byte[5];
    private int? _httpStatus;
    private int? _grpcStatus;
    private string _grpcMessage = string.Empty;
    private long _dataBytes;

    public int StreamId { get; set; }

    /// <summary>What this stream may still send (its own window; the connection has one too).</summary>
    public long SendWindow { get; set; }

    /// <summary>Bytes received on this stream and not yet given back by a WINDOW_UPDATE.</summary>
    public long UnacknowledgedBytes { get; set; }

    /// <summary>Completes when the stream ends: successfully, with the server's refusal, or with the connection's failure.</summary>
    public Task Outcome => _outcome.Task;

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (name.SequenceEqual(":status"u8))
        {
            _httpStatus = ParseNumber(value);
        }
        else if (name.SequenceEqual("grpc-status"u8))
        {
            _grpcStatus = ParseNumber(value);
        }
        else if (name.SequenceEqual("grpc-message"u8))
        {
            // Percent-encoded (gRPC over HTTP/2, "Status-Message").
            _grpcMessage = Uri.UnescapeDataString(Encoding.UTF8.GetString(value));
        }
    }

    /// <summary>Counts a DATA frame's payload, keeping the bytes of the gRPC prefix.</summary>
    public void OnData(ReadOnlySpan<byte> data)
    {
        if (_dataBytes < _prefix.Length)
        {
            int take = (int)Math.Min(_prefix.Length - _dataBytes, data.Length);
            data[..take].CopyTo(_prefix.AsSpan((int)_dataBytes));
        }

        _dataBytes += data.Length;
    }

    /// <summary>The stream ended (END_STREAM): decides between success and the refusal the answer carries.</summary>
    public void End()
    {
        if (Refusal() is { } refusal)
        {
            _outcome.TrySetException(refusal);
        }
        else
        {
            _outcome.TrySetResult();
        }
    }

    public void Fail(Exception exception) => _outcome.TrySetException(exception);

    /// <summary>The server reset the stream (RST_STREAM): REFUSED_STREAM is a busy server; anything else an error.</summary>
    public void Reset(Http2ErrorCode error)
    {
        var code = error switch
        {
            Http2ErrorCode.RefusedStream => StatusCode.Unavailable,
            Http2ErrorCode.Cancel => StatusCode.Cancelled,
            _ => StatusCode.Internal,
        };
        Fail(new ServingException($"{code} from {path}: the server reset the stream ({error})", null, code, error.ToString()));
    }

    private ServingException? Refusal()
    {
        if (_httpStatus != 200)
        {
            // A proxy or a server that is not gRPC: gRPC's HTTP-to-status mapping, as the full client applies it.
            var mapped = _httpStatus switch
            {
                400 => StatusCode.Internal,
                401 => StatusCode.Unauthenticated,
                403 => StatusCode.PermissionDenied,
                404 => StatusCode.Unimplemented,
                429 or 502 or 503 or 504 => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            string status = _httpStatus?.ToString(CultureInfo.InvariantCulture) ?? "no :status";
            return new ServingException($"{mapped} from {path}: HTTP status {status}", null, mapped, status);
        }

        if (_grpcStatus is not int grpcStatus)
        {
            return new ServingException($"Internal from {path}: the answer ended without grpc-status", null, StatusCode.Internal, string.Empty);
        }

        if (grpcStatus != 0)
        {
            var code = (StatusCode)grpcStatus;
            return new ServingException($"{code} from {path}: {_grpcMessage}", null, code, _grpcMessage);
        }

        long messageLength = _dataBytes >= _prefix.Length ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(_prefix.AsSpan(1)) : -1;
        if (messageLength < 0 || _dataBytes != _prefix.Length + messageLength)
        {
            return new ServingException(
                $"Internal from {path}: status OK but {_dataBytes} bytes of data are not one length-prefixed message", null, StatusCode.Internal, string.Empty);
        }

        return null;
    }

    private static int? ParseNumber(ReadOnlySpan<byte> value) =>
        System.Buffers.Text.Utf8Parser.TryParse(value, out int number, out int consumed) && consumed == value.Length && number >= 0 ? number : null;
}
