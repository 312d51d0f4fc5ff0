using System.Collections.Concurrent;
using ServingBench.Payloads.Catalogue;

namespace ServingBench.Emulators.Backends;

/// <summary>
/// Validates every request fully, then answers with the model's canned outputs of the real shapes
/// (<see cref="CatalogueModel.CannedOutputs"/>: seeded values, so a batch-1 answer equals the payload's response):
/// zero model compute, which isolates what the protocol costs. Files get the stock handler's checks
/// (<see cref="CatalogueModel.CheckFile"/>); a WAV is read only to learn its length.
/// </summary>
public sealed class CannedBackend : IInferenceBackend
{
    /// <summary>
    /// Outputs are kept per (model, batch, output length) while they fit in this many bytes; beyond it they are built per
    /// request. The benchmarks use a handful of shapes (well under 1 MB); a client sending many distinct batch
    /// sizes must not grow the server without bound.
    /// </summary>
    public const long CacheBudgetBytes = 16L * 1024 * 1024;

    private readonly ConcurrentDictionary<(string Model, long Batch, long OutputLength), Tensor[]> _outputs = new();
    private long _cachedBytes;

    /// <summary>Bytes of outputs held for reuse (at most <see cref="CacheBudgetBytes"/> plus one entry per racing thread).</summary>
    public long CachedBytes => Interlocked.Read(ref _cachedBytes);

    public string Name => "canned";

    public ValueTask<InferenceResponse> InferAsync(ModelSignature model, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var entry = RequestValidator.Entry(model);
        long batch;
        long inputLength = 0;
        if (RequestValidator.IsFileRequest(model, request))
        {
            var files = RequestValidator.Files(model, request);
            batch = files.Count;
            foreach (var file in files)
            {
                inputLength = entry.CheckFile(model, file.Span);
            }
        }
        else
        {
            batch = RequestValidator.ValidateTensors(model, request);
            inputLength = request.Inputs[0].Shape.Length > 1 ? request.Inputs[0].Shape[1] : 0;
        }

        var outputs = Outputs(entry, model, batch, entry.OutputLength(inputLength));
        IReadOnlyList<Tensor> selected = request.Outputs.Count == 0
            ? outputs
            : [.. outputs.Where(o => request.Outputs.Any(r => r.Name == o.Name))];
        return ValueTask.FromResult(new InferenceResponse
        {
            ModelName = request.ModelName,
            ModelVersion = request.ModelVersion,
            Id = request.Id,
            Outputs = selected,
        });
    }

    private Tensor[] Outputs(CatalogueModel entry, ModelSignature model, long batch, long outputLength)
    {
        var key = (model.Name, batch, outputLength);
        if (_outputs.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var built = entry.CannedOutputs(model, batch, outputLength);
        long size = built.Sum(t => (long)t.Data.Length);
        if (Interlocked.Add(ref _cachedBytes, size) <= CacheBudgetBytes && _outputs.TryAdd(key, built))
        {
            return built;
        }

        Interlocked.Add(ref _cachedBytes, -size);
        return built;
    }
}
