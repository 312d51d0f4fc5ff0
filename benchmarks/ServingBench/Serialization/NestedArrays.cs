using System.Collections;
using ServingBench.Wire.Tensors;

namespace ServingBench.Serialization;

/// <summary>Jagged arrays (float[][][][] …) of a tensor, the shape naive JSON code serializes.</summary>
public static class NestedArrays
{
    public static (Array Value, Type Type) From(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.DataType switch
        {
            DataType.FP32 => Build(tensor.AsSpan<float>().ToArray(), tensor.Shape.ToArray()),
            DataType.Int64 => Build(tensor.AsSpan<long>().ToArray(), tensor.Shape.ToArray()),
            _ => throw new NotSupportedException($"naive JSON control covers FP32 and INT64 tensors, not {tensor}"),
        };
    }

    /// <summary>The leaves in row-major order, boxed: used once per case to verify, never measured.</summary>
    public static IEnumerable<object> Flatten(Array array)
    {
        foreach (object? item in array)
        {
            if (item is Array inner)
            {
                foreach (object leaf in Flatten(inner))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return item!;
            }
        }
    }

    private static (Array, Type) Build<T>(T[] flat, long[] shape)
    {
        int offset = 0;
        var value = BuildLevel(flat, shape, 0, ref offset);
        return (value, value.GetType());
    }

    private static Array BuildLevel<T>(T[] flat, long[] shape, int depth, ref int offset)
    {
        int length = (int)shape[depth];
        if (depth == shape.Length - 1)
        {
            var leaves = flat.AsSpan(offset, length).ToArray();
            offset += length;
            return leaves;
        }

        var elementType = JaggedType(typeof(T), shape.Length - depth - 1);
        var level = Array.CreateInstance(elementType, length);
        for (int i = 0; i < length; i++)
        {
            ((IList)level)[i] = BuildLevel(flat, shape, depth + 1, ref offset);
        }

        return level;
    }

    private static Type JaggedType(Type leaf, int rank)
    {
        var type = leaf;
        for (int i = 0; i < rank; i++)
        {
            type = type.MakeArrayType();
        }

        return type;
    }
}
