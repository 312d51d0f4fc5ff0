using ServingBench.Emulators.Backends;
using ServingBench.Models.Architectures;

namespace ServingBench.Composition;

/// <summary>
/// The one place that turns a backend name into what answers behind the emulators. The app wires engines into
/// servers here, so the Emulators library never references the engines (ServingBench.Models).
/// </summary>
public static class BackendFactory
{
    /// <summary>Zero-compute outputs of the real shapes: a round trip measures the protocol alone.</summary>
    public const string Canned = "canned";

    /// <summary>The models on ONNX Runtime (<see cref="OnnxBackend"/>): end-to-end rows and real answers for curl.</summary>
    public const string Onnx = OnnxBackend.BackendName;

    public static IReadOnlyList<string> Names { get; } = [Canned, Onnx];

    /// <param name="name">A name from <see cref="Names"/>.</param>
    /// <param name="workers">Requests one model may run at once (engines are created up to this many, on demand).</param>
    public static IInferenceBackend Create(string name, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        return name switch
        {
            Canned => new CannedBackend(),
            Onnx => new OnnxBackend(RunSettings.ModelStore(), ModelSize.Real, workers, OnnxBackend.IntraOpThreadsBesideProtocol),
            _ => throw new ArgumentException($"unknown backend '{name}'; available: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
