using ServingBench.Wire.Scenarios;

namespace ServingBench.Wire.Clients;

/// <summary>
/// Where a scenario's requests go: the embedded emulator unless an environment variable names a real server.
/// <list type="bullet">
/// <item><c>SERVINGBENCH_&lt;FRAMEWORK&gt;_&lt;PROTOCOL&gt;</c> = base address, e.g. <c>SERVINGBENCH_TRITON_GRPC=http://gpu-box:8001</c>,
/// <c>SERVINGBENCH_TFSERVING_REST=http://host:8501</c>, <c>SERVINGBENCH_TORCHSERVE_GRPC=http://host:7070</c>.</item>
/// <item><c>SERVINGBENCH_&lt;FRAMEWORK&gt;_MODEL_&lt;MODEL&gt;</c> = the name that server serves a catalogue model under,
/// e.g. <c>SERVINGBENCH_TRITON_MODEL_RESNET50=resnet50_onnx</c>; defaults to the catalogue name.</item>
/// </list>
/// </summary>
public static class ServingTargets
{
    public static string AddressVariable(Framework framework, Protocol protocol) =>
        $"SERVINGBENCH_{Scenario.FrameworkName(framework).ToUpperInvariant()}_{Scenario.ProtocolName(protocol).ToUpperInvariant()}";

    public static string ModelVariable(Framework framework, string catalogueModel)
    {
        ArgumentNullException.ThrowIfNull(catalogueModel);
        return $"SERVINGBENCH_{Scenario.FrameworkName(framework).ToUpperInvariant()}_MODEL_{catalogueModel.ToUpperInvariant()}";
    }

    /// <summary>The real server configured for this framework and protocol, or null for the emulator.</summary>
    public static Uri? ConfiguredAddress(Framework framework, Protocol protocol)
    {
        string variable = AddressVariable(framework, protocol);
        return ParseAddress(variable, Environment.GetEnvironmentVariable(variable));
    }

    /// <summary><paramref name="value"/> of <paramref name="variable"/> as a server address; null when empty.</summary>
    /// <exception cref="ArgumentException">The value is not an http(s) address with a valid port; the message names variable and value.</exception>
    public static Uri? ParseAddress(string variable, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            // Uri refuses a port above 65535 outright; say so rather than blame the scheme.
            throw PortOf(value.Trim()) is long port and (< 1 or > 65535)
                ? new ArgumentException($"{variable}='{value}': port {port} is outside 1-65535")
                : new ArgumentException($"{variable}='{value}': not an http:// or https:// address (e.g. http://host:8001)");
        }

        return address;
    }

    private static long? PortOf(string value)
    {
        int start = value.IndexOf("://", StringComparison.Ordinal);
        string authority = value[(start < 0 ? 0 : start + 3)..].Split('/')[0];
        int colon = authority.LastIndexOf(':');
        return colon >= 0 && long.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long port)
            ? port
            : null;
    }

    /// <summary>The model name to send for a catalogue model (override or the catalogue name itself).</summary>
    public static string ModelName(Framework framework, string catalogueModel)
    {
        string? value = Environment.GetEnvironmentVariable(ModelVariable(framework, catalogueModel));
        return string.IsNullOrWhiteSpace(value) ? catalogueModel : value.Trim();
    }
}
