namespace ServingBench.Export;

/// <summary>A real server that <see cref="ServerExport"/> writes a layout for.</summary>
public enum ServerKind
{
    Triton,
    TorchServe,
    TfServing,
}

/// <summary>What <c>models export</c> writes, and the serving options that go into the generated configurations.</summary>
public sealed record ExportOptions
{
    /// <summary>TorchServe's job_queue_size default, which the emulator keeps too.</summary>
    public const int DefaultQueueSize = 100;

    /// <summary>The folder that receives triton/, torchserve/ and tfserving/.</summary>
    public required string OutputDirectory { get; init; }

    public IReadOnlyList<ServerKind> Servers { get; init; } = Enum.GetValues<ServerKind>();

    public BatchingOptions Batching { get; init; } = new();

    /// <summary>TorchServe's workers per model and Triton's instances per model; null keeps each server's default.</summary>
    public int? Workers { get; init; }

    /// <summary>TorchServe's job_queue_size.</summary>
    public int QueueSize { get; init; } = DefaultQueueSize;

    /// <summary>Greedy steps of the served BART per row, as the suite's onnx backend takes (InProcessRunner.NewTokens for the real model).</summary>
    public required int BartNewTokens { get; init; }
}

/// <summary>
/// Server-side batching, off unless <see cref="Dynamic"/>: Triton's max_batch_size and dynamic_batching, TorchServe's
/// batchSize and maxBatchDelay, TF Serving's batching parameters. The emulators start without batching too (serve's
/// batching options turn it on, docs/dynamic-batching.md), so by default real servers and emulators alike answer one
/// request per model call.
/// </summary>
/// <param name="MaxBatchSize">Triton's max_batch_size (the largest batch a request or the batcher may form; 0: the model takes whole tensors); with <see cref="Dynamic"/>, TorchServe's batchSize and TF Serving's max_batch_size.</param>
/// <param name="Dynamic">Whether the servers combine concurrent requests into batches.</param>
/// <param name="MaxDelayMilliseconds">How long a batcher waits to fill a batch (Triton max_queue_delay_microseconds, TorchServe maxBatchDelay, TF Serving batch_timeout_micros).</param>
public sealed record BatchingOptions(int MaxBatchSize = 8, bool Dynamic = false, int MaxDelayMilliseconds = 5);
