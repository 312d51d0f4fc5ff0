namespace ServingBench.Config;

/// <summary>
/// The real servers a run talks to instead of the emulators, as the environment names them:
/// <list type="bullet">
/// <item><c>SERVINGBENCH_&lt;FRAMEWORK&gt;_&lt;PROTOCOL&gt;</c> = base address, e.g. <c>SERVINGBENCH_TRITON_GRPC=http://gpu-box:8001</c>.</item>
/// <item><c>SERVINGBENCH_&lt;FRAMEWORK&gt;_MODEL_&lt;MODEL&gt;</c> = the name a real server of that framework serves a catalogue
/// model under, e.g. <c>SERVINGBENCH_TRITON_MODEL_RESNET50=resnet50_onnx</c>; the catalogue name when unset.</item>
/// </list>
/// The app reads them here and hands the clients an address and a model name; the libraries never see the variables.
/// </summary>
public sealed class ServerTargets
{
    private readonly Func<string, string?> _read;

    /// <param name="read">Looks a variable up (the process environment, or a test's values).</param>
    public ServerTargets(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _read = read;
    }

    public static string AddressVariable(Framework framework, Protocol protocol) =>
        $"SERVINGBENCH_{Scenario.FrameworkName(framework).ToUpperInvariant()}_{Scenario.ProtocolName(protocol).ToUpperInvariant()}";

    public static string ModelVariable(Framework framework, string catalogueModel)
    {
        ArgumentNullException.ThrowIfNull(catalogueModel);
        return $"SERVINGBENCH_{Scenario.FrameworkName(framework).ToUpperInvariant()}_MODEL_{catalogueModel.ToUpperInvariant()}";
    }

    /// <summary>The real server configured for this framework and protocol, or null for the emulator.</summary>
    /// <exception cref="SettingsException">The value is not an http(s) address with a valid port.</exception>
    public Uri? Address(Framework framework, Protocol protocol)
    {
        string variable = AddressVariable(framework, protocol);
        return ParseAddress(variable, _read(variable));
    }

    /// <summary>
    /// The name to send for a catalogue model to a real server of <paramref name="framework"/> (wherever its address
    /// came from: a variable or <c>load --target</c>): the override, or the catalogue name itself.
    /// </summary>
    public string ModelName(Framework framework, string catalogueModel)
    {
        string? value = _read(ModelVariable(framework, catalogueModel));
        return string.IsNullOrWhiteSpace(value) ? catalogueModel : value.Trim();
    }

    /// <summary><paramref name="value"/> of <paramref name="variable"/> as a server address; null when empty.</summary>
    /// <exception cref="SettingsException">Not an http:// or https:// address, or a port outside 1-65535; the message names variable and value.</exception>
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
                ? new SettingsException(variable, value, $"port {port} is outside 1-65535")
                : new SettingsException(variable, value, "not an http:// or https:// address (e.g. http://host:8001)");
        }

        return address;
    }

    private static long? PortOf(string value)
    {
        int start = value.IndexOf("://", StringComparison.Ordinal);
        string authority = value[(start < 0 ? 0 : start + 3)..].Split('/')[0];
        int colon = authority.LastIndexOf(':');
        return colon >= 0 && long.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long port)
            ? port
            : null;
    }
}
