using ServingBench.Payloads.Catalogue;

namespace ServingBench.Emulators.Backends;

/// <summary>Checks a request against a model signature as Triton does, with Triton-style messages.</summary>
public static class RequestValidator
{
    /// <summary>Validates tensors (names, datatypes, ranks, fixed dims, one batch size) and returns the batch size.</summary>
    public static long ValidateTensors(ModelSignature model, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var input in request.Inputs)
        {
            RequireDeclared(input.Name, model.Inputs, "input", model);
        }

        if (request.Inputs.Count != model.Inputs.Count)
        {
            throw new WireFormatException($"expected {model.Inputs.Count} inputs but got {request.Inputs.Count} inputs for model '{model.Name}'");
        }

        long batch = -1;
        foreach (var spec in model.Inputs)
        {
            var input = request.Inputs.First(t => t.Name == spec.Name);
            if (input.DataType != spec.DataType)
            {
                throw new WireFormatException(
                    $"inference input '{spec.Name}' data-type is '{input.DataType.ToKServeName()}', but model '{model.Name}' expects '{spec.DataType.ToKServeName()}'");
            }

            if (!ShapeMatches(spec.Shape, input.Shape))
            {
                throw new WireFormatException(
                    $"unexpected shape for input '{spec.Name}' for model '{model.Name}'. Expected [{string.Join(",", spec.Shape)}], got [{string.Join(",", input.Shape.ToArray())}]");
            }

            long inputBatch = input.Shape[0];
            if (inputBatch == 0)
            {
                throw new WireFormatException($"input '{spec.Name}' for model '{model.Name}' has an empty batch");
            }

            // [B,0]: an empty sequence passes the signature's -1 dims, but no model can run it (ONNX Runtime,
            // TensorFlow and PyTorch fail inside the encoder), so the real servers answer it with an error.
            int empty = input.Shape.IndexOf(0L);
            if (empty > 0)
            {
                throw new WireFormatException(
                    $"input '{spec.Name}' for model '{model.Name}' has an empty dimension {empty} (shape [{string.Join(",", input.Shape.ToArray())}]); the model cannot run an empty sequence");
            }

            if (batch >= 0 && inputBatch != batch)
            {
                throw new WireFormatException($"inputs of model '{model.Name}' disagree on the batch size ({batch} and {inputBatch})");
            }

            batch = inputBatch;
        }

        ValidateOutputs(model, request);
        return batch;
    }

    public static void ValidateOutputs(ModelSignature model, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var output in request.Outputs)
        {
            RequireDeclared(output.Name, model.Outputs, "output", model);
        }
    }

    /// <summary>Triton refuses a tensor the model does not declare, input or requested output, with the same message.</summary>
    private static void RequireDeclared(string name, IReadOnlyList<TensorSpec> declared, string role, ModelSignature model)
    {
        if (!declared.Any(s => s.Name == name))
        {
            throw new WireFormatException($"unexpected inference {role} '{name}' for model '{model.Name}'");
        }
    }

    /// <summary>The catalogue entry of a served model: what its handler reads and answers, and its canned outputs.</summary>
    /// <exception cref="WireFormatException">The catalogue has no model of that name.</exception>
    public static CatalogueModel Entry(ModelSignature model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ModelCatalog.Find(model.Name) ?? throw new WireFormatException($"model '{model.Name}' is not in the catalogue");
    }

    /// <summary>The files of a file request (<see cref="IsFileRequest"/>), after checking the outputs it asks for.</summary>
    /// <exception cref="WireFormatException">The request carries no file.</exception>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Files(ModelSignature model, InferenceRequest request)
    {
        ValidateOutputs(model, request);
        var files = request.Inputs[0].GetBytesElements();
        return files.Count > 0 ? files : throw new WireFormatException($"request for model '{model.Name}' carries no file");
    }

    /// <summary>True when the request is one file (a BYTES element) for a model whose inputs are not BYTES.</summary>
    public static bool IsFileRequest(ModelSignature model, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        return request.Inputs.Count == 1
            && request.Inputs[0].DataType == DataType.Bytes
            && model.Inputs.All(s => s.DataType != DataType.Bytes);
    }

    private static bool ShapeMatches(long[] expected, ReadOnlySpan<long> actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] >= 0 && expected[i] != actual[i])
            {
                return false;
            }
        }

        return true;
    }
}
