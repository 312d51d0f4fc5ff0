using System.Text.Json;
using System.Text.Json.Serialization;
using ServingBench.Emulators.Hosting;

namespace ServingBench.Verbs;

/// <summary>
/// The one JSON line <c>serve --ready-json</c> prints once every server listens: the machine-readable twin of the
/// endpoint table, so a parent process (the load verb's <see cref="ChildServer"/>) reads bound ports from data rather
/// than parsing console prose.
/// </summary>
/// <param name="Event">Always <see cref="ReadyEvent"/>: tells this line apart from anything else on the output.</param>
internal sealed record ServeAnnouncement(string Event, int ProcessId, string Backend, IReadOnlyList<AnnouncedEndpoint> Endpoints)
{
    public const string ReadyEvent = "servingbench-serve-ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter<EndpointRole>(JsonNamingPolicy.KebabCaseLower) },
    };

    public static ServeAnnouncement Ready(string backend, IEnumerable<EmulatorEndpoint> endpoints) => new(
        ReadyEvent,
        Environment.ProcessId,
        backend,
        [.. endpoints.Select(e => new AnnouncedEndpoint(e.Server, e.Framework is { } f ? Scenario.FrameworkName(f) : null, e.Role, e.Address))]);

    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    /// <summary>The announcement on <paramref name="line"/>; null for any other line.</summary>
    public static ServeAnnouncement? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ServeAnnouncement>(line, Json) is { Event: ReadyEvent, Endpoints: not null } ready ? ready : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The inference address of a framework's REST or gRPC listener; null when the server did not start it.</summary>
    public Uri? Address(Framework framework, Protocol protocol) => Address(framework, protocol == Protocol.Rest ? EndpointRole.Rest : EndpointRole.Grpc);

    /// <summary>A framework's listener of <paramref name="role"/> (its metrics port, say); null when the server did not start one.</summary>
    public Uri? Address(Framework framework, EndpointRole role)
    {
        string name = Scenario.FrameworkName(framework);
        return Endpoints.FirstOrDefault(e => e.Framework == name && e.Role == role)?.Address;
    }
}

/// <summary>One bound listener: the server that owns it, its framework (none for the echo floor), what it is for, where.</summary>
internal sealed record AnnouncedEndpoint(string Server, string? Framework, EndpointRole Role, Uri Address);
