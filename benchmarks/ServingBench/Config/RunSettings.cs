using System.Net.Sockets;
using ServingBench.Models.Architectures;
using ServingBench.Models.Store;
using ServingBench.Payloads;
using ServingBench.Wire;

namespace ServingBench.Config;

/// <summary>A setting from the environment that cannot be used; the message names the variable, its value and the problem.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string variable, string? value, string problem)
        : base($"{variable}='{value}': {problem}")
    {
    }

    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The environment variables the app reads, parsed in one place: only the app reads the process environment, and it
/// hands the libraries what it read (addresses, model names, folders). <see cref="Check"/> runs once, before
/// anything is listed or run, and checks only the variables of the classes the command line selects: a bad value
/// for RoundTrip never stops a Serialization run. The benchmark classes, which BenchmarkDotNet also runs in child
/// processes where Program.Main never runs, read the same parsers.
/// </summary>
public static class RunSettings
{
    public const string RoundTripPayloadsVariable = "SERVINGBENCH_ROUNDTRIP_PAYLOADS";
    public const string ModelSizeVariable = "SERVINGBENCH_MODEL_SIZE";

    /// <summary>Which half-precision and compressed cells run (<see cref="EncodingSelection"/>): default, all or none.</summary>
    public const string EncodingsVariable = "SERVINGBENCH_ENCODINGS";

    /// <summary>Which batch cells run (<see cref="BatchSelection"/>): default, all or none.</summary>
    public const string BatchesVariable = "SERVINGBENCH_BATCHES";

    /// <summary>Where the model store lives (otherwise models/ beside Benchmarks.sln).</summary>
    public const string ModelsVariable = "SERVINGBENCH_MODELS";

    /// <summary>The prefix of every variable the suite reads (servers, model names, payload choices, paths).</summary>
    public const string VariablePrefix = "SERVINGBENCH_";

    /// <summary>How long a configured server may take to accept a TCP connection before the run is refused.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private static readonly PayloadKind[] DefaultRoundTripPayloads = [PayloadKind.Resnet50Tensor, PayloadKind.Resnet50Jpeg];

    /// <summary>Checks the variables the selected classes use; <paramref name="connect"/> also proves configured servers answer.</summary>
    /// <exception cref="SettingsException">The first unusable variable.</exception>
    public static void Check(Func<string, bool> selects, bool connect, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(selects);
        var read = environment ?? Environment.GetEnvironmentVariable;
        if (selects(nameof(Benchmarks.SerializationBenchmarks)) || selects(nameof(Benchmarks.RoundTripBenchmarks)))
        {
            _ = Encodings(read(EncodingsVariable));
            _ = Batches(read(BatchesVariable));
        }

        if (selects(nameof(Benchmarks.RoundTripBenchmarks)))
        {
            _ = RoundTripPayloads(read(RoundTripPayloadsVariable));
            var servers = new ServerTargets(read);
            foreach (var (framework, protocol) in ScenarioCatalog.Scenarios.Select(s => (s.Framework, s.Protocol)).Distinct())
            {
                if (servers.Address(framework, protocol) is { } address && connect)
                {
                    CheckReachable(ServerTargets.AddressVariable(framework, protocol), address);
                }
            }

            // A statistics address must parse; whether it answers is reported (one line, '-' columns), not refused.
            foreach (var framework in Enum.GetValues<Framework>())
            {
                _ = ServerTargets.ParseAddress(StatisticsVariable(framework), read(StatisticsVariable(framework)));
            }
        }

        if (selects(nameof(Benchmarks.InProcessBenchmarks)))
        {
            _ = InProcessModelSize(read(ModelSizeVariable));
        }
    }

    /// <summary>SERVINGBENCH_ROUNDTRIP_PAYLOADS: empty = the ResNet50 tensor and JPEG; "all"; or a comma list of payload names.</summary>
    public static IReadOnlySet<PayloadKind> RoundTripPayloads(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultRoundTripPayloads.ToHashSet();
        }

        if (value.Trim() == "all")
        {
            return ScenarioCatalog.Payloads.ToHashSet();
        }

        var selected = new HashSet<PayloadKind>();
        foreach (string name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            selected.Add(ScenarioCatalog.Payloads.FirstOrDefault(p => p.Name == name)
                ?? throw new SettingsException(RoundTripPayloadsVariable, value,
                    $"unknown payload '{name}'; use 'all' or a comma list of {string.Join(", ", ScenarioCatalog.Payloads.Select(p => p.Name))}"));
        }

        return selected.Count > 0 ? selected : throw new SettingsException(RoundTripPayloadsVariable, value, "names no payload");
    }

    /// <summary>
    /// The payloads for naming RoundTrip cases. BenchmarkDotNet builds every class's cases even when the filter
    /// selects another class, so an unusable value must not throw here: <see cref="Check"/> has already refused
    /// any run or listing that selects RoundTrip with it.
    /// </summary>
    public static IReadOnlySet<PayloadKind> RoundTripPayloadsForListing() =>
        ForListing(RoundTripPayloadsVariable, RoundTripPayloads, DefaultRoundTripPayloads.ToHashSet());

    /// <summary>SERVINGBENCH_ENCODINGS: empty or "default" = the budgeted cells; "all"; "none".</summary>
    public static EncodingSelection Encodings(string? value) =>
        string.IsNullOrWhiteSpace(value) ? EncodingSelection.Default
        : EncodingSelection.Parse(value) ?? throw new SettingsException(EncodingsVariable, value,
            $"expected '{EncodingSelection.DefaultName}', '{EncodingSelection.AllName}' or '{EncodingSelection.NoneName}'");

    /// <summary>The encoding cells for naming cases; like <see cref="RoundTripPayloadsForListing"/>, never throws (<see cref="Check"/> refused a bad value).</summary>
    public static EncodingSelection EncodingsForListing() => ForListing(EncodingsVariable, Encodings, EncodingSelection.Default);

    /// <summary>SERVINGBENCH_BATCHES: empty or "default" = the budgeted batch cells; "all"; "none".</summary>
    public static BatchSelection Batches(string? value) =>
        string.IsNullOrWhiteSpace(value) ? BatchSelection.Default
        : BatchSelection.Parse(value) ?? throw new SettingsException(BatchesVariable, value,
            $"expected '{EncodingSelection.DefaultName}', '{EncodingSelection.AllName}' or '{EncodingSelection.NoneName}'");

    /// <summary>The batch cells for naming cases; like <see cref="RoundTripPayloadsForListing"/>, never throws (<see cref="Check"/> refused a bad value).</summary>
    public static BatchSelection BatchesForListing() => ForListing(BatchesVariable, Batches, BatchSelection.Default);

    /// <summary>SERVINGBENCH_MODEL_SIZE: empty or "real" = the real models; "tiny" = the test-sized ones.</summary>
    public static ModelSize InProcessModelSize() => InProcessModelSize(Environment.GetEnvironmentVariable(ModelSizeVariable));

    public static ModelSize InProcessModelSize(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Equals("real", StringComparison.OrdinalIgnoreCase) ? ModelSize.Real
        : value.Trim().Equals("tiny", StringComparison.OrdinalIgnoreCase) ? ModelSize.Tiny
        : throw new SettingsException(ModelSizeVariable, value, "expected 'real' or 'tiny'");

    /// <summary>
    /// <c>SERVINGBENCH_&lt;FRAMEWORK&gt;_STATISTICS</c>: where that framework's statistics are read when not where the
    /// scenario's address implies (docs/server-statistics.md): Triton's HTTP endpoint, TorchServe's metrics endpoint,
    /// TF Serving's REST endpoint, or the page itself. Null when unset.
    /// </summary>
    /// <exception cref="SettingsException">The value is not an http(s) address.</exception>
    public static Uri? StatisticsAddress(Framework framework)
    {
        string variable = StatisticsVariable(framework);
        return ServerTargets.ParseAddress(variable, Environment.GetEnvironmentVariable(variable));
    }

    public static string StatisticsVariable(Framework framework) => $"SERVINGBENCH_{Scenario.FrameworkName(framework).ToUpperInvariant()}_STATISTICS";

    /// <summary>The real servers the environment names, and the names they serve the catalogue models under.</summary>
    public static ServerTargets Servers() => new(Environment.GetEnvironmentVariable);

    /// <summary>SERVINGBENCH_MODELS, else models/ beside Benchmarks.sln (found by walking up from the working directory and the app).</summary>
    public static ModelStore ModelStore()
    {
        string? configured = Environment.GetEnvironmentVariable(ModelsVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? new ModelStore(Path.Combine(RepositoryRoot.Require($"set {ModelsVariable} to a models folder"), "models"))
            : new ModelStore(configured);
    }

    /// <summary>SERVINGBENCH_FIXTURES: a fixtures folder searched before the copy beside the assemblies and the clone's.</summary>
    public static string? FixturesFolder()
    {
        string? folder = Environment.GetEnvironmentVariable(FixtureFiles.OverrideVariable);
        return string.IsNullOrWhiteSpace(folder) ? null : folder;
    }

    /// <summary>The processor description Windows sets, for a manifest where /proc/cpuinfo is absent.</summary>
    public static string? ProcessorIdentifier() => Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER");

    /// <summary>Every <c>SERVINGBENCH_*</c> variable that is set, by name, for a run's manifest.</summary>
    public static IReadOnlyDictionary<string, string> Captured()
    {
        var captured = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(VariablePrefix, StringComparison.Ordinal) && entry.Value is string value)
            {
                captured[name] = value;
            }
        }

        return captured;
    }

    /// <summary>A variable parsed for naming cases: its default where the value is unusable (<see cref="Check"/> has refused it).</summary>
    private static T ForListing<T>(string variable, Func<string?, T> parse, T fallback)
    {
        try
        {
            return parse(Environment.GetEnvironmentVariable(variable));
        }
        catch (SettingsException)
        {
            return fallback;
        }
    }

    private static void CheckReachable(string variable, Uri address)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            client.ConnectAsync(address.Host, address.Port, timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new SettingsException(variable, address.OriginalString,
                $"no answer from {address.Host}:{address.Port} within {ConnectTimeout.TotalSeconds:0} s; is the server running there?");
        }
        catch (SocketException ex)
        {
            throw new SettingsException(variable, address.OriginalString,
                $"cannot connect to {address.Host}:{address.Port} ({ex.Message}); is the server running there?");
        }
    }
}
