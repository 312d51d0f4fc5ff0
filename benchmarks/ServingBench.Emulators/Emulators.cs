using ServingBench.Emulators.Echo;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.TfServing;
using ServingBench.Emulators.TorchServe;
using ServingBench.Emulators.Triton;

namespace ServingBench.Emulators;

/// <summary>Starts the emulated servers: any subset of the three frameworks, plus the echo floor on request.</summary>
public static class EmulatedServers
{
    public static IEnumerable<ListenerSpec> Listeners(Framework framework, EmulatorOptions options) => framework switch
    {
        Framework.TfServing => new TfServingEmulator(options).Listeners(),
        Framework.TorchServe => new TorchServeEmulator(options).Listeners(),
        Framework.Triton => new TritonEmulator(options).Listeners(),
        _ => throw new ArgumentOutOfRangeException(nameof(framework)),
    };

    /// <summary>Starts <paramref name="frameworks"/> (all three when null) and, if asked, the echo listeners (always on port 0).</summary>
    public static async Task<RunningEmulators> StartAsync(
        EmulatorOptions options, IEnumerable<Framework>? frameworks = null, bool withEcho = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listeners = (frameworks ?? Enum.GetValues<Framework>()).SelectMany(f => Listeners(f, options)).ToList();
        var running = await EmulatorHost.StartAsync(listeners, options, cancellationToken).ConfigureAwait(false);
        if (!withEcho)
        {
            return running;
        }

        var echo = await EmulatorHost.StartAsync(EchoEmulator.Listeners(), new EmulatorOptions { Host = options.Host }, cancellationToken).ConfigureAwait(false);
        return running.Merge(echo);
    }
}
