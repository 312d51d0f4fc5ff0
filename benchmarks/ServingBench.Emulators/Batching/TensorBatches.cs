using System.Text;

namespace ServingBench.Emulators.Batching;

/// <summary>
/// Merging requests into one engine call and splitting the answer back: inputs are concatenated along dimension 0
/// (a request may itself carry several rows), outputs are cut at the same row boundaries. Only requests with the same
/// <see cref="MergeKey"/> are merged: same inputs, datatypes and dimensions after the first, same requested outputs.
/// BART's variable-length inputs are therefore merged only with inputs of the same length; nothing is padded.
/// </summary>
public static class TensorBatches
{
    /// <summary>Rows in the request's first input (its batch); 1 for a request without a batch dimension.</summary>
    public static int Rows(InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Inputs.Count > 0 && request.Inputs[0].Shape.Length > 0 ? (int)Math.Clamp(request.Inputs[0].Shape[0], 1, int.MaxValue) : 1;
    }

    /// <summary>Requests with equal keys can share an engine call: the model, each input's name, datatype and dimensions after the first, the outputs asked for.</summary>
    public static string MergeKey(string model, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = new StringBuilder(model);
        foreach (var input in request.Inputs)
        {
            key.Append('|').Append(input.Name).Append(':').Append(input.DataType.ToKServeName());
            foreach (long dim in input.Shape[1..])
            {
                key.Append(',').Append(dim);
            }
        }

        key.Append("|>");
        foreach (var output in request.Outputs)
        {
            key.Append(output.Name).Append(',');
        }

        return key.ToString();
    }

    /// <summary>One request holding every input of <paramref name="requests"/> row after row; a single request is returned as is.</summary>
    public static InferenceRequest Merge(IReadOnlyList<InferenceRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 1)
        {
            return requests[0];
        }

        var first = requests[0];
        var inputs = new Tensor[first.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var template = first.Inputs[i];
            long rows = 0;
            long bytes = 0;
            foreach (var request in requests)
            {
                var input = request.Inputs[i];
                rows += input.Shape[0];
                bytes += input.Data.Length;
            }

            // BYTES elements are length-prefixed one after another, so their bytes concatenate like fixed-size ones.
            var data = new byte[bytes];
            long offset = 0;
            foreach (var request in requests)
            {
                var input = request.Inputs[i];
                input.Data.Span.CopyTo(data.AsSpan((int)offset));
                offset += input.Data.Length;
            }

            long[] shape = template.Shape.ToArray();
            shape[0] = rows;
            inputs[i] = new Tensor(template.Name, template.DataType, shape, data);
        }

        return new InferenceRequest
        {
            ModelName = first.ModelName,
            ModelVersion = first.ModelVersion,
            SignatureName = first.SignatureName,
            Inputs = inputs,
            Outputs = first.Outputs,
        };
    }

    /// <summary>
    /// Cuts each output of the merged answer into consecutive row ranges of the given sizes. Every output must have the
    /// merged rows as its first dimension (the suite's models all do); one that does not cannot be split.
    /// </summary>
    public static IReadOnlyList<Tensor>[] Split(IReadOnlyList<Tensor> outputs, IReadOnlyList<int> rowsPerRequest)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(rowsPerRequest);
        var split = new IReadOnlyList<Tensor>[rowsPerRequest.Count];
        if (rowsPerRequest.Count == 1)
        {
            split[0] = outputs;
            return split;
        }

        long totalRows = rowsPerRequest.Sum(r => (long)r);
        var parts = new Tensor[rowsPerRequest.Count][];
        for (int r = 0; r < parts.Length; r++)
        {
            parts[r] = new Tensor[outputs.Count];
        }

        for (int o = 0; o < outputs.Count; o++)
        {
            var output = outputs[o];
            if (output.Shape.Length == 0 || output.Shape[0] != totalRows)
            {
                throw new InvalidOperationException($"output '{output.Name}' [{string.Join(",", output.Shape.ToArray())}] does not have the batch's {totalRows} rows first; it cannot be split by request");
            }

            var rows = SplitRows(output, rowsPerRequest, totalRows);
            for (int r = 0; r < parts.Length; r++)
            {
                parts[r][o] = rows[r];
            }
        }

        for (int r = 0; r < parts.Length; r++)
        {
            split[r] = parts[r];
        }

        return split;
    }

    private static Tensor[] SplitRows(Tensor output, IReadOnlyList<int> rowsPerRequest, long totalRows)
    {
        var pieces = new Tensor[rowsPerRequest.Count];
        long[] shape = output.Shape.ToArray();
        long elementsPerRow = output.ElementCount / totalRows;
        if (output.DataType == DataType.Bytes)
        {
            var elements = output.GetBytesElements();
            int next = 0;
            for (int r = 0; r < pieces.Length; r++)
            {
                int count = (int)(rowsPerRequest[r] * elementsPerRow);
                shape[0] = rowsPerRequest[r];
                pieces[r] = Tensor.FromBytesElements(output.Name, shape, [.. elements.Skip(next).Take(count)]);
                next += count;
            }

            return pieces;
        }

        // Fixed-size elements: each piece views its rows of the merged answer, no copy.
        long bytesPerRow = output.Data.Length / totalRows;
        long offset = 0;
        for (int r = 0; r < pieces.Length; r++)
        {
            long length = rowsPerRequest[r] * bytesPerRow;
            shape[0] = rowsPerRequest[r];
            pieces[r] = new Tensor(output.Name, output.DataType, shape, output.Data.Slice((int)offset, (int)length));
            offset += length;
        }

        return pieces;
    }
}
