using ServingBench.Wire;
using OnnxType = ServingBench.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace ServingBench.Export;

/// <summary>
/// A model file's tensors in the suite's terms (<see cref="TensorSpec"/>: KServe datatype, -1 for a symbolic
/// dimension), and the names each server's configuration spells those datatypes with.
/// </summary>
public static class ServedTensors
{
    public static TensorSpec FromOnnx(OnnxTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var type = tensor.ElementType switch
        {
            OnnxType.Float => DataType.FP32,
            OnnxType.Double => DataType.FP64,
            OnnxType.Float16 => DataType.FP16,
            OnnxType.Bfloat16 => DataType.BF16,
            OnnxType.Int64 => DataType.Int64,
            OnnxType.Int32 => DataType.Int32,
            OnnxType.Int16 => DataType.Int16,
            OnnxType.Int8 => DataType.Int8,
            OnnxType.Uint64 => DataType.UInt64,
            OnnxType.Uint32 => DataType.UInt32,
            OnnxType.Uint16 => DataType.UInt16,
            OnnxType.Uint8 => DataType.UInt8,
            OnnxType.Bool => DataType.Bool,
            OnnxType.String => DataType.Bytes,
            _ => throw new InvalidDataException($"tensor '{tensor.Name}' has ONNX element type {tensor.ElementType}, which no server configuration here names"),
        };
        return new TensorSpec(tensor.Name, type, [.. tensor.Dims.Select(d => d < 0 ? -1L : d)]);
    }

    /// <summary>model_config.proto's DataType: TYPE_FP32, TYPE_INT64, … (BYTES is TYPE_STRING).</summary>
    public static string TritonConfigName(DataType type) =>
        type == DataType.Bytes ? "TYPE_STRING" : "TYPE_" + type.ToKServeName();

    /// <summary>TensorFlow's DataType enum names, as a SavedModel signature declares them.</summary>
    public static string TensorFlowName(DataType type) => type switch
    {
        DataType.FP32 => "DT_FLOAT",
        DataType.FP64 => "DT_DOUBLE",
        DataType.FP16 => "DT_HALF",
        DataType.BF16 => "DT_BFLOAT16",
        DataType.Int64 => "DT_INT64",
        DataType.Int32 => "DT_INT32",
        DataType.Int16 => "DT_INT16",
        DataType.Int8 => "DT_INT8",
        DataType.UInt64 => "DT_UINT64",
        DataType.UInt32 => "DT_UINT32",
        DataType.UInt16 => "DT_UINT16",
        DataType.UInt8 => "DT_UINT8",
        DataType.Bool => "DT_BOOL",
        DataType.Bytes => "DT_STRING",
        _ => throw new WireFormatException($"unknown datatype value {(int)type}"),
    };
}
