using ServingBench.Wire.Tensors;

namespace ServingBench.Wire.Clients;

/// <summary>TensorFlow's DataType enum (types.proto numbers, <c>DT_*</c> names): the one table the metadata endpoints and the Predict codecs read.</summary>
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

    public static int ToNumber(DataType type) => Lookup(type).Number;

    public static string ToName(DataType type) => Lookup(type).Name;

    public static bool TryToNumber(DataType type, out int number)
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

    public static bool TryFromNumber(long number, out DataType type)
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
