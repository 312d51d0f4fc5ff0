namespace ServingBench.Wire.Tensors;

/// <summary>Tensor element types, named as KServe v2 / Triton name them (the most complete of the three vocabularies).</summary>
public enum DataType : byte
{
    Bool = 1,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Int8,
    Int16,
    Int32,
    Int64,
    FP16,
    FP32,
    FP64,
    BF16,

    /// <summary>Variable-length byte strings; stored as 4-byte little-endian length + bytes per element (Triton's layout).</summary>
    Bytes,
}

public static class DataTypeInfo
{
    /// <summary>The KServe v2 datatype string ("FP32", "INT64", "BYTES", ...).</summary>
    public static string ToKServeName(this DataType type) => type switch
    {
        DataType.Bool => "BOOL",
        DataType.UInt8 => "UINT8",
        DataType.UInt16 => "UINT16",
        DataType.UInt32 => "UINT32",
        DataType.UInt64 => "UINT64",
        DataType.Int8 => "INT8",
        DataType.Int16 => "INT16",
        DataType.Int32 => "INT32",
        DataType.Int64 => "INT64",
        DataType.FP16 => "FP16",
        DataType.FP32 => "FP32",
        DataType.FP64 => "FP64",
        DataType.BF16 => "BF16",
        DataType.Bytes => "BYTES",
        _ => throw new WireFormatException($"unknown datatype value {(int)type}"),
    };

    public static bool TryParseKServeName(ReadOnlySpan<char> name, out DataType type)
    {
        type = name switch
        {
            "BOOL" => DataType.Bool,
            "UINT8" => DataType.UInt8,
            "UINT16" => DataType.UInt16,
            "UINT32" => DataType.UInt32,
            "UINT64" => DataType.UInt64,
            "INT8" => DataType.Int8,
            "INT16" => DataType.Int16,
            "INT32" => DataType.Int32,
            "INT64" => DataType.Int64,
            "FP16" => DataType.FP16,
            "FP32" => DataType.FP32,
            "FP64" => DataType.FP64,
            "BF16" => DataType.BF16,
            "BYTES" => DataType.Bytes,
            _ => 0,
        };
        return type != 0;
    }

    /// <summary>Parses a KServe datatype name; an unknown name is a <see cref="WireFormatException"/> that quotes it.</summary>
    public static DataType ParseKServeName(ReadOnlySpan<char> name) =>
        TryParseKServeName(name, out var type) ? type : throw new WireFormatException($"unknown datatype '{name.ToString()}'");

    /// <summary>Bytes per element; 0 for <see cref="DataType.Bytes"/>, whose elements vary in length.</summary>
    public static int ElementSize(this DataType type) => type switch
    {
        DataType.Bool or DataType.UInt8 or DataType.Int8 => 1,
        DataType.UInt16 or DataType.Int16 or DataType.FP16 or DataType.BF16 => 2,
        DataType.UInt32 or DataType.Int32 or DataType.FP32 => 4,
        DataType.UInt64 or DataType.Int64 or DataType.FP64 => 8,
        DataType.Bytes => 0,
        _ => throw new WireFormatException($"unknown datatype value {(int)type}"),
    };
}
