using ServingBench.Wire.Codecs.Protobuf;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>
/// TensorFlow's DataType enum (types.proto numbers, <c>DT_*</c> names) and which TensorProto field carries each
/// type's typed values: the one table the Predict codecs, the metadata endpoints and the clients read.
/// </summary>
public static class TfDataTypes
{
    private static readonly (DataType Type, int Number, string Name)[] Table =
    [
        (DataType.FP32, 1, "DT_FLOAT"), (DataType.FP64, 2, "DT_DOUBLE"), (DataType.Int32, 3, "DT_INT32"),
        (DataType.UInt8, 4, "DT_UINT8"), (DataType.Int16, 5, "DT_INT16"), (DataType.Int8, 6, "DT_INT8"),
        (DataType.Bytes, 7, "DT_STRING"), (DataType.Int64, 9, "DT_INT64"), (DataType.Bool, 10, "DT_BOOL"),
        (DataType.BF16, 14, "DT_BFLOAT16"), (DataType.UInt16, 17, "DT_UINT16"), (DataType.FP16, 19, "DT_HALF"),
        (DataType.UInt32, 22, "DT_UINT32"), (DataType.UInt64, 23, "DT_UINT64"),
    ];

    internal static readonly ScalarField FloatVal = new("float_val", 5, ScalarWire.Fixed, 4, Signed: true);
    internal static readonly ScalarField DoubleVal = new("double_val", 6, ScalarWire.Fixed, 8, Signed: true);
    internal static readonly ScalarField IntVal = new("int_val", 7, ScalarWire.Varint, 4, Signed: true);
    internal static readonly ScalarField Int64Val = new("int64_val", 10, ScalarWire.Varint, 8, Signed: true);
    internal static readonly ScalarField BoolVal = new("bool_val", 11, ScalarWire.Bool, 1, Signed: false);
    internal static readonly ScalarField HalfVal = new("half_val", 13, ScalarWire.Varint, 4, Signed: true);
    internal static readonly ScalarField Uint32Val = new("uint32_val", 16, ScalarWire.Varint, 4, Signed: false);
    internal static readonly ScalarField Uint64Val = new("uint64_val", 17, ScalarWire.Varint, 8, Signed: false);

    // The narrower integer types ride in int_val / half_val; encoding reads the tensor's own element width.
    private static readonly ScalarField IntValInt16 = IntVal with { ElementSize = 2 };
    private static readonly ScalarField IntValInt8 = IntVal with { ElementSize = 1 };
    private static readonly ScalarField IntValUInt8 = IntVal with { ElementSize = 1, Signed = false };
    private static readonly ScalarField IntValUInt16 = IntVal with { ElementSize = 2, Signed = false };
    private static readonly ScalarField HalfValBits = HalfVal with { ElementSize = 2, Signed = false };

    /// <summary>The typed fields as they decode, element width = the proto field's own width, by field number.</summary>
    internal static ScalarField? DecodeField(int number) => number switch
    {
        5 => FloatVal,
        6 => DoubleVal,
        7 => IntVal,
        10 => Int64Val,
        11 => BoolVal,
        13 => HalfVal,
        16 => Uint32Val,
        17 => Uint64Val,
        _ => null,
    };

    internal static int ToTf(DataType type) =>
        TryToNumber(type, out int number)
            ? number
            : throw new WireFormatException($"datatype value {(int)type} has no TensorFlow equivalent");

    internal static DataType FromTf(ulong dtype, string tensorName) => dtype switch
    {
        0 => throw new WireFormatException($"tensor '{tensorName}': dtype is DT_INVALID (not set)"),
        <= int.MaxValue when TryFromNumber((long)dtype, out var type) => type,
        _ => throw new WireFormatException($"tensor '{tensorName}': unsupported TensorFlow dtype {dtype}"),
    };

    /// <summary>The field the typed form of <paramref name="type"/> travels in, with the tensor's element width (null for BYTES).</summary>
    internal static ScalarField? EncodeField(DataType type) => type switch
    {
        DataType.FP32 => FloatVal,
        DataType.FP64 => DoubleVal,
        DataType.Int32 => IntVal,
        DataType.Int16 => IntValInt16,
        DataType.Int8 => IntValInt8,
        DataType.UInt8 => IntValUInt8,
        DataType.UInt16 => IntValUInt16,
        DataType.Int64 => Int64Val,
        DataType.Bool => BoolVal,
        DataType.FP16 or DataType.BF16 => HalfValBits,
        DataType.UInt32 => Uint32Val,
        DataType.UInt64 => Uint64Val,
        _ => null,
    };

    public static int ToNumber(DataType type) => Lookup(type).Number;

    public static string ToName(DataType type) => Lookup(type).Name;

    private static bool TryToNumber(DataType type, out int number)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type)
            {
                number = entry.Number;
                return true;
            }
        }

        number = 0;
        return false;
    }

    private static bool TryFromNumber(long number, out DataType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Number == number)
            {
                type = entry.Type;
                return true;
            }
        }

        type = default;
        return false;
    }

    public static DataType FromNumber(long number) =>
        TryFromNumber(number, out var type) ? type : throw new WireFormatException($"unsupported TensorFlow dtype {number}");

    public static DataType FromName(string name)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                return entry.Type;
            }
        }

        throw new WireFormatException($"unsupported TensorFlow dtype '{name}'");
    }

    private static (DataType Type, int Number, string Name) Lookup(DataType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type)
            {
                return entry;
            }
        }

        throw new WireFormatException($"{type.ToKServeName()} has no TensorFlow dtype");
    }
}
