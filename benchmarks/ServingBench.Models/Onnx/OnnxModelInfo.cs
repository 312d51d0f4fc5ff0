namespace ServingBench.Models.Onnx;

/// <summary>A tensor a model file declares: name, ONNX element type and dims (symbolic dims as -1).</summary>
public sealed record OnnxTensorInfo(string Name, TensorProto.Types.DataType ElementType, long[] Dims);

/// <summary>
/// The signature of an ONNX file (graph inputs, outputs, producer, metadata), read by walking the protobuf and
/// seeking past initializers, so a 1 GB model is inspected in milliseconds. Any framing error — a truncated
/// or corrupt file — raises <see cref="InvalidDataException"/> naming the file.
/// </summary>
public sealed class OnnxModelInfo
{
    private OnnxModelInfo(string path) => Path = path;

    public string Path { get; }

    public string ProducerName { get; private set; } = "";

    public List<OnnxTensorInfo> Inputs { get; } = [];

    public List<OnnxTensorInfo> Outputs { get; } = [];

    public Dictionary<string, string> Metadata { get; } = [];

    public static OnnxModelInfo Read(string path)
    {
        var info = new OnnxModelInfo(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0)
            {
                throw new InvalidDataException("the file is empty");
            }

            info.ReadModel(stream, stream.Length);
        }
        catch (Exception ex) when (ex is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException or EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is not a valid ONNX model: {ex.Message}", ex);
        }

        if (info.Outputs.Count == 0)
        {
            throw new InvalidDataException($"'{path}' is not a valid ONNX model: it declares no graph outputs");
        }

        return info;
    }

    private void ReadModel(Stream stream, long end)
    {
        bool sawGraph = false;
        while (stream.Position < end)
        {
            var (field, wireType) = ReadTag(stream);
            if (field == 7 && wireType == 2)
            {
                long length = ReadLength(stream, end);
                ReadGraph(stream, stream.Position + length);
                sawGraph = true;
            }
            else if ((field == 2 || field == 14) && wireType == 2)
            {
                byte[] bytes = ReadBytes(stream, end);
                if (field == 2)
                {
                    ProducerName = System.Text.Encoding.UTF8.GetString(bytes);
                }
                else
                {
                    var entry = StringStringEntryProto.Parser.ParseFrom(bytes);
                    Metadata[entry.Key] = entry.Value;
                }
            }
            else
            {
                Skip(stream, wireType, end);
            }
        }

        if (!sawGraph)
        {
            throw new InvalidDataException("it has no graph");
        }
    }

    private void ReadGraph(Stream stream, long end)
    {
        while (stream.Position < end)
        {
            var (field, wireType) = ReadTag(stream);
            if ((field == 11 || field == 12) && wireType == 2)
            {
                var value = ValueInfoProto.Parser.ParseFrom(ReadBytes(stream, end));
                var tensorType = value.Type?.TensorType;
                var dims = tensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray() ?? [];
                var tensor = new OnnxTensorInfo(value.Name, (TensorProto.Types.DataType)(tensorType?.ElemType ?? 0), dims);
                (field == 11 ? Inputs : Outputs).Add(tensor);
            }
            else
            {
                Skip(stream, wireType, end);
            }
        }

        if (stream.Position != end)
        {
            throw new InvalidDataException("the graph's length does not match its contents");
        }

        // Old exporters list initializers among graph inputs; a real input is one no initializer feeds, but telling
        // them apart needs the initializer names, which we skipped. Optimum/torch exports (IR ≥ 4) do not list them.
    }

    private static (int Field, int WireType) ReadTag(Stream stream)
    {
        ulong tag = ReadVarint(stream);
        int field = (int)(tag >> 3);
        if (field == 0)
        {
            throw new InvalidDataException($"invalid field number 0 at byte {stream.Position}");
        }

        return (field, (int)(tag & 7));
    }

    private static ulong ReadVarint(Stream stream)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                throw new InvalidDataException($"the file ends inside a field (byte {stream.Position}); it is truncated");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException($"malformed varint at byte {stream.Position}");
    }

    private static long ReadLength(Stream stream, long end)
    {
        ulong length = ReadVarint(stream);
        if (length > (ulong)(end - stream.Position))
        {
            throw new InvalidDataException($"a field at byte {stream.Position} declares {length} bytes but only {end - stream.Position} remain; the file is truncated or corrupt");
        }

        return (long)length;
    }

    private static byte[] ReadBytes(Stream stream, long end)
    {
        var bytes = new byte[ReadLength(stream, end)];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static void Skip(Stream stream, int wireType, long end)
    {
        long skip = wireType switch
        {
            0 => -1,
            1 => 8,
            2 => ReadLength(stream, end),
            5 => 4,
            _ => throw new InvalidDataException($"unsupported wire type {wireType} at byte {stream.Position}; the file is corrupt"),
        };
        if (skip < 0)
        {
            ReadVarint(stream);
            return;
        }

        if (stream.Position + skip > end)
        {
            throw new InvalidDataException($"the file ends inside a field (byte {stream.Position}); it is truncated");
        }

        stream.Seek(skip, SeekOrigin.Current);
    }
}
