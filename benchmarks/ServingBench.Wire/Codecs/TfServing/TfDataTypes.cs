using ServingBench.Wire.Codecs.Protobuf;
using ServingBench.Wire.Tensors;
using DtypeTable = ServingBench.Wire.Clients.TfDataTypes;

namespace ServingBench.Wire.Codecs.TfServing;

/// <summary>Which TensorProto field carries each type's typed values; dtype numbers come from the clients' one table.</summary>
internal static class TfDataTypes
{
    public static readonly ScalarField FloatVal = new("float_val", 5, ScalarWire.Fixed, 4, Signed: true);
    public static readonly ScalarField DoubleVal = new("double_val", 6, ScalarWire.Fixed, 8, Signed: true);
    public static readonly ScalarField IntVal = new("int_val", 7, ScalarWire.Varint, 4, Signed: true);
    public static readonly ScalarField Int64Val = new("int64_val", 10, ScalarWire.Varint, 8, Signed: true);
    public static readonly ScalarField BoolVal = new("bool_val", 11, ScalarWire.Bool, 1, Signed: false);
    public static readonly ScalarField HalfVal = new("half_val", 13, ScalarWire.Varint, 4, Signed: true);
    public static readonly ScalarField Uint32Val = new("uint32_val", 16, ScalarWire.Varint, 4, Signed: false);
    public static readonly ScalarField Uint64Val = new("uint64_val", 17, ScalarWire.Varint, 8, Signed: false);

    // The narrower integer types ride in int_val / half_val; encoding reads the tensor's own element width.
    private static readonly ScalarField IntValInt16 = IntVal with { ElementSize = 2 };
    private static readonly ScalarField IntValInt8 = IntVal with { ElementSize = 1 };
    private static readonly ScalarField IntValUInt8 = IntVal with { ElementSize = 1, Signed = false };
    private static readonly ScalarField IntValUInt16 = IntVal with { ElementSize = 2, Signed = false };
    private static readonly ScalarField HalfValBits = HalfVal with { ElementSize = 2, Signed = false };

    /// <summary>The typed fields as they decode, element width = the proto field's own width, by field number.</summary>
    public static ScalarField? DecodeField(int number) => number switch
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

    public static int ToTf(DataType type) =>
        DtypeTable.TryToNumber(type, out int number)
            ? number
            : throw new WireFormatException($"datatype value {(int)type} has no TensorFlow equivalent");

    public static DataType FromTf(ulong dtype, string tensorName) => dtype switch
    {
        0 => throw new WireFormatException($"tensor '{tensorName}': dtype is DT_INVALID (not set)"),
        <= int.MaxValue when DtypeTable.TryFromNumber((long)dtype, out var type) => type,
        _ => throw new WireFormatException($"tensor '{tensorName}': unsupported TensorFlow dtype {dtype}"),
    };

    /// <summary>The field the typed form of <paramref name="type"/> travels in, with the tensor's element width (null for BYTES).</summary>
    public static ScalarField? EncodeField(DataType type) => type switch
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
}
