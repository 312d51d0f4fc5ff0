using Google.Protobuf;

namespace ServingBench.Models.Onnx;

/// <summary>
/// Builds one ONNX graph node by node. With <c>materialize: false</c> it records parameter shapes only, so the
/// published parameter counts can be checked without allocating gigabytes of weights.
/// </summary>
public sealed class OnnxGraph
{
    public const int Opset = 17;

    private readonly GraphProto _graph;
    private readonly List<ParameterSpec> _parameters = [];
    private readonly bool _materialize;
    private readonly int _seed;
    private int _counter;

    public OnnxGraph(string name, bool materialize, int seed)
    {
        _graph = new GraphProto { Name = name };
        _materialize = materialize;
        _seed = seed;
    }

    public IReadOnlyList<ParameterSpec> Parameters => _parameters;

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>A trainable parameter (counted in the model size).</summary>
    public string Param(string name, long[] shape, WeightInit init) => AddWeight(name, shape, init, trainable: true);

    /// <summary>A non-trainable buffer (BN running statistics, BART's final_logits_bias).</summary>
    public string Buffer(string name, long[] shape, WeightInit init) => AddWeight(name, shape, init, trainable: false);

    /// <summary>A parameter the inference graph never reads (Wav2Vec2's masked_spec_embed): counted, not written.</summary>
    public void DeclareUnused(string name, long[] shape) => _parameters.Add(new ParameterSpec(name, shape, true, false));

    public string ConstInt64(params long[] values)
    {
        var tensor = AddConstant("const_i64", TensorProto.Types.DataType.Int64);
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return tensor.Name;
    }

    /// <summary>A 0-d int64 constant (Gather index, Range bound).</summary>
    public string ScalarInt64(long value)
    {
        var tensor = AddConstant("const_i64s", TensorProto.Types.DataType.Int64);
        tensor.Int64Data.Add(value);
        return tensor.Name;
    }

    public string ConstFloat(float value)
    {
        var tensor = AddConstant("const_f32", TensorProto.Types.DataType.Float);
        tensor.FloatData.Add(value);
        return tensor.Name;
    }

    /// <summary>
    /// A new constant initializer named <c>&lt;prefix&gt;_&lt;n&gt;</c> from the graph's one counter (so generated names
    /// never clash), already in the graph; the caller fills its shape and data.
    /// </summary>
    private TensorProto AddConstant(string prefix, TensorProto.Types.DataType type)
    {
        var tensor = new TensorProto { Name = $"{prefix}_{_counter++}", DataType = (int)type };
        _graph.Initializer.Add(tensor);
        return tensor;
    }

    /// <summary>Adds a node with one output, auto-named unless <paramref name="output"/> is given.</summary>
    public string Op(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes) =>
        OpMulti(opType, inputs, [output ?? $"{opType.ToLowerInvariant()}_{_counter++}"], attributes)[0];

    public string[] OpMulti(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"n{_counter++}_{opType}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    public ModelProto ToModel(IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "ServingBench",
            ProducerVersion = ModelBuildInfo.Version,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private string AddWeight(string name, long[] shape, WeightInit init, bool trainable)
    {
        var spec = new ParameterSpec(name, shape, trainable, true);
        _parameters.Add(spec);
        if (_materialize)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.Add(shape);
            tensor.RawData = UnsafeByteOperations.UnsafeWrap(init.ToBytes(spec.ElementCount, _seed, name));
            _graph.Initializer.Add(tensor);
        }

        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"dimension of '{name}' must be a string or an integer, got {dim.GetType().Name}", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}

/// <summary>Attribute constructors.</summary>
public static class Attr
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }
}

public static class ModelBuildInfo
{
    /// <summary>Bumped whenever a builder changes its output, so cached builds are rebuilt.</summary>
    public const string Version = "1";

    /// <summary>Same seed, repeatable weights.</summary>
    public const int Seed = 12345;
}
