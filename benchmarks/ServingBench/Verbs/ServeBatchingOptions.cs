using System.CommandLine;
using System.CommandLine.Parsing;
using ServingBench.Emulators;
using ServingBench.Emulators.Batching;

namespace ServingBench.Verbs;

/// <summary>
/// <c>serve</c>'s dynamic batching options, one per setting of the real servers and named after it
/// (docs/dynamic-batching.md has each setting's source). Every server batches only when asked, as the real ones do.
/// </summary>
internal sealed class ServeBatchingOptions
{
    /// <summary>The max_batch_size a Triton model gets when dynamic batching is asked for without one (the suite's export default).</summary>
    public const int TritonDefaultMaxBatchSize = 8;

    /// <summary>TorchServe's max_batch_delay default (ms), used when only batch_size is given.</summary>
    public const int TorchServeDefaultMaxBatchDelayMs = 100;

    /// <summary>TF Serving's batch scheduler defaults (basic_batch_scheduler.h Options) where batching_parameters leave a field unset.</summary>
    public const int TfServingDefaultMaxBatchSize = 1000;
    public const int TfServingDefaultMaxEnqueuedBatches = 10;

    public Option<int?> TritonMaxBatchSize { get; } = new("--triton-max-batch-size")
    {
        Description = $"Triton max_batch_size: requests with more rows are refused with Triton's error; also the dynamic batcher's largest batch. Default 0 (whole tensors, no limit), or {TritonDefaultMaxBatchSize} with dynamic batching.",
    };

    public Option<bool> TritonDynamicBatching { get; } = new("--triton-dynamic-batching")
    {
        Description = "Triton dynamic_batching { }: merge concurrent requests into one execution (implied by the two options below).",
    };

    public Option<long?> TritonMaxQueueDelayUs { get; } = new("--triton-max-queue-delay-us")
    {
        Description = "Triton dynamic_batching max_queue_delay_microseconds: how long a request may wait for a fuller batch (default 0).",
    };

    public Option<int[]> TritonPreferredBatchSize { get; } = new("--triton-preferred-batch-size")
    {
        Description = "Triton dynamic_batching preferred_batch_size (one or more): sizes formed at once without waiting out the delay.",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<int> TorchServeBatchSize { get; } = new("--torchserve-batch-size")
    {
        Description = "TorchServe batch_size (register-time, or models.<m>.batchSize in config.properties): requests merged per handler call; 1 does not batch.",
        DefaultValueFactory = _ => 1,
    };

    public Option<int> TorchServeMaxBatchDelayMs { get; } = new("--torchserve-max-batch-delay-ms")
    {
        Description = "TorchServe max_batch_delay in ms: how long a worker waits to fill a batch.",
        DefaultValueFactory = _ => TorchServeDefaultMaxBatchDelayMs,
    };

    public Option<bool> TfServingEnableBatching { get; } = new("--tfserving-enable-batching")
    {
        Description = "TF Serving --enable_batching: merge concurrent Predict requests (batching_parameters below).",
    };

    public Option<int> TfServingMaxBatchSize { get; } = new("--tfserving-max-batch-size")
    {
        Description = "TF Serving max_batch_size: rows per batch; a larger request is refused with TF Serving's error.",
        DefaultValueFactory = _ => TfServingDefaultMaxBatchSize,
    };

    public Option<long> TfServingBatchTimeoutMicros { get; } = new("--tfserving-batch-timeout-micros")
    {
        Description = "TF Serving batch_timeout_micros: how long a batch waits to fill (default 0).",
    };

    public Option<int> TfServingNumBatchThreads { get; } = new("--tfserving-num-batch-threads")
    {
        Description = "TF Serving num_batch_threads: batches processed at once (default: one per logical processor).",
        DefaultValueFactory = _ => EmulatorOptions.DefaultWorkers,
    };

    public Option<int> TfServingMaxEnqueuedBatches { get; } = new("--tfserving-max-enqueued-batches")
    {
        Description = "TF Serving max_enqueued_batches: batches waiting before requests fail fast with UNAVAILABLE.",
        DefaultValueFactory = _ => TfServingDefaultMaxEnqueuedBatches,
    };

    public ServeBatchingOptions()
    {
        TritonMaxBatchSize.Validators.Add(result => OptionRules.AtLeast(result, 0));
        TritonMaxQueueDelayUs.Validators.Add(result => OptionRules.AtLeast(result, 0L));
        TritonPreferredBatchSize.Validators.Add(result =>
        {
            foreach (int size in result.GetValueOrDefault<int[]>() ?? [])
            {
                if (size < 1)
                {
                    result.AddError($"{result.Option.Name} {size} must be at least 1");
                }
            }
        });
        TorchServeBatchSize.Validators.Add(result => OptionRules.AtLeast(result, 1));
        TorchServeMaxBatchDelayMs.Validators.Add(result => OptionRules.AtLeast(result, 0));
        TfServingMaxBatchSize.Validators.Add(result => OptionRules.AtLeast(result, 1));
        TfServingBatchTimeoutMicros.Validators.Add(result => OptionRules.AtLeast(result, 0L));
        TfServingNumBatchThreads.Validators.Add(result => OptionRules.AtLeast(result, 1));
        TfServingMaxEnqueuedBatches.Validators.Add(result => OptionRules.AtLeast(result, 1));
    }

    public IEnumerable<Option> All =>
    [
        TritonMaxBatchSize, TritonDynamicBatching, TritonMaxQueueDelayUs, TritonPreferredBatchSize,
        TorchServeBatchSize, TorchServeMaxBatchDelayMs,
        TfServingEnableBatching, TfServingMaxBatchSize, TfServingBatchTimeoutMicros, TfServingNumBatchThreads, TfServingMaxEnqueuedBatches,
    ];

    /// <summary>Adds the options and the check across them (a preferred size above the maximum) to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            int max = TritonMax(result.GetValue(TritonMaxBatchSize), TritonDynamic(result));
            foreach (int size in result.GetValue(TritonPreferredBatchSize) ?? [])
            {
                if (size > max && max > 0)
                {
                    result.AddError($"--triton-preferred-batch-size {size} is above --triton-max-batch-size {max}");
                }
            }

            if (TritonDynamic(result) && result.GetValue(TritonMaxBatchSize) == 0)
            {
                result.AddError("--triton-max-batch-size 0 cannot batch: Triton's dynamic batcher needs max_batch_size of at least 1");
            }
        });
    }

    /// <summary>The emulator settings the parsed options ask for; everything off when none was given.</summary>
    public EmulatorOptions Apply(ParseResult parse, EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        bool tritonDynamic = TritonDynamic(parse);
        int tritonMax = TritonMax(parse.GetValue(TritonMaxBatchSize), tritonDynamic);
        int torchServeBatch = parse.GetValue(TorchServeBatchSize);
        int tfServingMax = parse.GetValue(TfServingMaxBatchSize);
        return options with
        {
            TritonMaxBatchSize = tritonMax,
            TritonDynamicBatching = tritonDynamic
                ? new BatchingPolicy(tritonMax, Microseconds(parse.GetValue(TritonMaxQueueDelayUs) ?? 0), parse.GetValue(TritonPreferredBatchSize) ?? [])
                : null,
            TorchServeBatching = torchServeBatch > 1
                ? new BatchingPolicy(torchServeBatch, TimeSpan.FromMilliseconds(parse.GetValue(TorchServeMaxBatchDelayMs)), [])
                : null,
            TfServingBatching = parse.GetValue(TfServingEnableBatching)
                ? new BatchingPolicy(tfServingMax, Microseconds(parse.GetValue(TfServingBatchTimeoutMicros)), [], (long)tfServingMax * parse.GetValue(TfServingMaxEnqueuedBatches))
                : null,
            TfServingBatchThreads = parse.GetValue(TfServingNumBatchThreads),
        };
    }

    /// <summary>One line per framework that batches or limits its batch, for serve's listing; none when everything is off.</summary>
    public static IEnumerable<string> Describe(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TritonDynamicBatching is { } triton)
        {
            string preferred = triton.PreferredBatchSizes.Count > 0 ? $", preferred_batch_size [{string.Join(", ", triton.PreferredBatchSizes)}]" : string.Empty;
            yield return $"  batching:   triton     max_batch_size {triton.MaxBatchSize}, dynamic_batching max_queue_delay_microseconds {triton.MaxQueueDelay.Ticks / 10}{preferred}";
        }
        else if (options.TritonMaxBatchSize > 0)
        {
            yield return $"  batching:   triton     max_batch_size {options.TritonMaxBatchSize}, no dynamic_batching";
        }

        if (options.TorchServeBatching is { } torchServe)
        {
            yield return $"  batching:   torchserve batch_size {torchServe.MaxBatchSize}, max_batch_delay {torchServe.MaxQueueDelay.TotalMilliseconds:0} ms";
        }

        if (options.TfServingBatching is { } tfServing)
        {
            yield return $"  batching:   tfserving  enable_batching: max_batch_size {tfServing.MaxBatchSize}, batch_timeout_micros {tfServing.MaxQueueDelay.Ticks / 10}, "
                + $"num_batch_threads {options.TfServingBatchThreads}, max_enqueued_batches {tfServing.MaxQueuedRows / tfServing.MaxBatchSize}";
        }
    }

    private bool TritonDynamic(SymbolResult result) => TritonDynamic(
        result.GetValue(TritonDynamicBatching), result.GetResult(TritonMaxQueueDelayUs) is not null, result.GetResult(TritonPreferredBatchSize) is not null);

    private bool TritonDynamic(ParseResult parse) => TritonDynamic(
        parse.GetValue(TritonDynamicBatching), parse.GetResult(TritonMaxQueueDelayUs) is not null, parse.GetResult(TritonPreferredBatchSize) is not null);

    private static bool TritonDynamic(bool asked, bool delayGiven, bool preferredGiven) => asked || delayGiven || preferredGiven;

    private static int TritonMax(int? given, bool dynamic) => given ?? (dynamic ? TritonDefaultMaxBatchSize : 0);

    private static TimeSpan Microseconds(long microseconds) => TimeSpan.FromTicks(microseconds * (TimeSpan.TicksPerMillisecond / 1000));
}
