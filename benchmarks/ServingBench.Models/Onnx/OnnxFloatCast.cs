using Google.Protobuf;

namespace ServingBench.Models.Onnx;

/// <summary>
/// Writes a copy of an FP32 ONNX model whose float inputs and outputs are FP16 or BF16: a Cast to FP32 after each
/// such input and a Cast back before each such output, the arithmetic in between untouched.
/// </summary>
/// <remarks>
/// Why a Cast at the edges rather than a true FP16 graph: ONNX Runtime's CPU provider has FP16 kernels for few
/// operators on x86 (Conv, MatMul and the normalisations run in FP32 only there), so a graph converted to FP16 throughout
/// either fails to load or gets Casts inserted around most nodes, and BF16 has fewer kernels still. With the Cast
/// at the entry the served model takes and answers the half type, as a half-precision deployment's does, while
/// computing what the FP32 model computes on the rounded input, so its answers stay checkable against the FP32 model
/// within the type's rounding (docs/half-and-compression.md). The rewrite reads any single-file model, generated or a
/// real export.
/// </remarks>
public static class OnnxFloatCast
{
    public static void Write(string source, string destination, TensorProto.Types.DataType type)
    {
        if (type is not (TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16))
        {
            throw new ArgumentException($"casts to FLOAT16 or BFLOAT16, not {type}", nameof(type));
        }

        ModelProto model;
        using (var stream = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }

        var graph = model.Graph;
        if (graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            throw new NotSupportedException($"'{source}' keeps its weights in external data files; export it as one .onnx file to serve it in {type}");
        }

        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => IsFloat(i) && !initializers.Contains(i.Name)))
        {
            string inner = input.Name + "_fp32";
            Rename(graph, input.Name, inner, outputsToo: false);
            input.Type.TensorType.ElemType = (int)type;
            graph.Node.Insert(0, Cast(input.Name, inner, TensorProto.Types.DataType.Float));
        }

        foreach (var output in graph.Output.Where(IsFloat))
        {
            string inner = output.Name + "_fp32";
            Rename(graph, output.Name, inner, outputsToo: true);
            output.Type.TensorType.ElemType = (int)type;
            graph.Node.Add(Cast(inner, output.Name, type));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        string temp = destination + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            model.WriteTo(stream);
        }

        File.Move(temp, destination, overwrite: true);
    }

    private static bool IsFloat(ValueInfoProto value) => value.Type?.TensorType?.ElemType == (int)TensorProto.Types.DataType.Float;

    /// <summary>Points every node that reads <paramref name="name"/> (and, for an output, the node that writes it) at <paramref name="inner"/>.</summary>
    private static void Rename(GraphProto graph, string name, string inner, bool outputsToo)
    {
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == name)
                {
                    node.Input[i] = inner;
                }
            }

            for (int i = 0; outputsToo && i < node.Output.Count; i++)
            {
                if (node.Output[i] == name)
                {
                    node.Output[i] = inner;
                }
            }
        }
    }

    private static NodeProto Cast(string input, string output, TensorProto.Types.DataType to)
    {
        var node = new NodeProto { OpType = "Cast", Name = $"cast_{output}" };
        node.Input.Add(input);
        node.Output.Add(output);
        node.Attribute.Add(Attr.Int("to", (long)to));
        return node;
    }
}
