using ServingBench.Emulators.Backends;
using ServingBench.Emulators.Batching;
using ServingBench.Emulators.Hosting;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Compression;

namespace ServingBench.Emulators;

/// <summary>How the emulators listen and what they serve (the app's <c>serve</c> verb and the benchmarks fill it in).</summary>
public sealed record EmulatorOptions
{
    /// <summary>TorchServe's default max_request_size (bytes), for REST bodies and inbound gRPC messages.</summary>
    public const int TorchServeMaxRequestSize = 6_553_500;

    /// <summary>
    /// Largest TF Serving / Triton REST body, after decompression: Triton's <c>--http-max-input-size</c> default
    /// (64 MiB). It is well above the suite's largest request (batch-8 ResNet50 as JSON, about 25 MB).
    /// </summary>
    public const int DefaultMaxRestBodyBytes = 64 * 1024 * 1024;

    /// <summary>Address to bind; loopback unless the user asks otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>True: the frameworks' real default ports plus <see cref="PortOffset"/>; false: port 0 (the OS picks).</summary>
    public bool UseDefaultPorts { get; init; }

    public int PortOffset { get; init; }

    public IInferenceBackend Backend { get; init; } = new CannedBackend();

    public IReadOnlyList<ModelSignature> Models { get; init; } = ModelCatalog.Signatures;

    /// <summary>TorchServe's default_workers_per_model on a host without GPUs: one worker per logical processor.</summary>
    public static int DefaultWorkers => Environment.ProcessorCount;

    /// <summary>TorchServe's default job_queue_size.</summary>
    public const int DefaultQueueSize = 100;

    /// <summary>TorchServe workers per model (jobs running at once); <c>serve --workers</c>.</summary>
    public int TorchServeWorkers { get; init; } = DefaultWorkers;

    /// <summary>
    /// Triton and TF Serving: executions of one model at once (Triton's instance_group count); later requests wait in
    /// the server's queue, and that wait is their published queue time. <c>serve --workers</c> sets it with the workers.
    /// </summary>
    public int InstancesPerModel { get; init; } = DefaultWorkers;

    /// <summary>TorchServe job_queue_size: jobs waiting beyond the busy workers before 503; <c>serve --queue-size</c>.</summary>
    public int TorchServeQueueSize { get; init; } = DefaultQueueSize;

    public int TorchServeMaxRequestBytes { get; init; } = TorchServeMaxRequestSize;

    /// <summary>Where server-side failures (5xx) are logged, one rate-limited line each; standard error unless replaced.</summary>
    public ErrorLog ErrorLog { get; init; } = new(Console.Error);

    /// <summary>TF Serving and Triton REST bodies above this many bytes (decompressed) are refused.</summary>
    public int MaxRestBodyBytes { get; init; } = DefaultMaxRestBodyBytes;

    /// <summary>
    /// TF Serving and Triton gRPC messages that inflate past this many bytes are refused (RESOURCE_EXHAUSTED). The real
    /// servers allow INT32_MAX; the emulators stop a compression bomb at the REST bodies' limit instead. Uncompressed
    /// messages keep the servers' own limit.
    /// </summary>
    public long MaxInflatedGrpcBytes { get; init; } = DefaultMaxRestBodyBytes;

    /// <summary>
    /// How TF Serving and Triton compress their gRPC answers: null, as they start by default; gzip as Triton started with
    /// <c>--grpc-infer-response-compression-level=low</c> or TF Serving with
    /// <c>--grpc_channel_arguments=grpc.default_compression_algorithm=2</c>. TorchServe has no such setting.
    /// </summary>
    public BodyCompression? GrpcAnswerCompression { get; init; }

    /// <summary>
    /// True: files (JPEG, WAV, text) get TorchServe's stock handler answers (top-5 <c>{label: prob}</c>, transcript,
    /// summary), as curl users expect. False: the model output as the custom handler's JSON, which the suite's
    /// TorchServe codecs decode (the round trips need a tensor back). Tensor bodies always get the latter.
    /// </summary>
    public bool TorchServeDefaultHandlers { get; init; }

    /// <summary>
    /// Triton's <c>max_batch_size</c>: a request with more rows is refused with Triton's own error. 0 (the default, as
    /// the emulator has always served) takes whole tensors of any batch.
    /// </summary>
    public int TritonMaxBatchSize { get; init; }

    /// <summary>
    /// Triton's <c>dynamic_batching { max_queue_delay_microseconds, preferred_batch_size }</c> with max_batch_size as
    /// its maximum; null (the default, as a model config without the block): every request runs alone. Executions at
    /// once stay <see cref="InstancesPerModel"/>.
    /// </summary>
    public BatchingPolicy? TritonDynamicBatching { get; init; }

    /// <summary>
    /// TF Serving started with <c>--enable_batching</c>: its batching_parameters (max_batch_size, batch_timeout_micros,
    /// max_enqueued_batches as <see cref="BatchingPolicy.MaxQueuedRows"/>); null (the default): no batching.
    /// </summary>
    public BatchingPolicy? TfServingBatching { get; init; }

    /// <summary>TF Serving's num_batch_threads: batches of one model processed at once when batching is enabled.</summary>
    public int TfServingBatchThreads { get; init; } = DefaultWorkers;

    /// <summary>
    /// TorchServe's register-time <c>batch_size</c> (in requests: TorchServe batches requests, one item each) and
    /// <c>max_batch_delay</c>; null (batch_size 1, the default): every request runs alone.
    /// </summary>
    public BatchingPolicy? TorchServeBatching { get; init; }
}
