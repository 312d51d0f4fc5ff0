using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServingBench.Emulators.Hosting;

/// <summary>One listener to open: a REST handler (HTTP/1.1) or a table of gRPC methods (HTTP/2 only).</summary>
public sealed record ListenerSpec(string Server, Framework? Framework, EndpointRole Role, int DefaultPort)
{
    public RequestDelegate? Rest { get; init; }

    public GrpcMethodTable? Grpc { get; init; }

    /// <summary>Inbound gRPC message cap; null = unlimited (TF Serving and Triton use INT32_MAX).</summary>
    public int? MaxGrpcReceiveBytes { get; init; }

    /// <summary>The message compression a gRPC listener takes and answers with; null: Grpc.AspNetCore's default (gzip in, nothing out).</summary>
    public GrpcCompression? GrpcCompression { get; init; }

    /// <summary>The framework's answer to a request its HTTP parser refuses; null keeps Kestrel's empty 400.</summary>
    public MalformedRequestAnswer? MalformedRequest { get; init; }

    /// <summary>The framework parser's request-line and total-header limits in bytes; null keeps Kestrel's (8 KiB and 32 KiB).</summary>
    public (int RequestLine, int Headers)? MaxRequestHeadBytes { get; init; }
}

/// <summary>A port could not be bound (in use, or not permitted): the message names the port and its role.</summary>
public sealed class PortUnavailableException : Exception
{
    public PortUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PortUnavailableException()
    {
    }

    public PortUnavailableException(string message)
        : base(message)
    {
    }
}

/// <summary>Starts Kestrel listeners (one small app per port) and stops them together.</summary>
public static class EmulatorHost
{
    public static async Task<RunningEmulators> StartAsync(IEnumerable<ListenerSpec> listeners, EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        ArgumentNullException.ThrowIfNull(options);
        var address = ParseHost(options.Host);
        var started = new List<(WebApplication App, EmulatorEndpoint Endpoint)>();
        try
        {
            foreach (var spec in listeners)
            {
                int port = options.UseDefaultPorts ? spec.DefaultPort + options.PortOffset : 0;
                if (port is < 0 or > 65535)
                {
                    throw new ArgumentException($"port {port} for {spec.Server} {spec.Role} is outside 0-65535 (check --port-offset)");
                }

                var app = Build(spec, address, port);
                try
                {
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    await app.DisposeAsync().ConfigureAwait(false);
                    throw new PortUnavailableException(
                        $"cannot listen on {options.Host}:{port} for {spec.Server} {spec.Role}: {ex.InnerException?.Message ?? ex.Message} (is another server or emulator running? try --port-offset)", ex);
                }

                string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                started.Add((app, new EmulatorEndpoint(spec.Server, spec.Role, new Uri(bound)) { Framework = spec.Framework }));
            }
        }
        catch
        {
            foreach (var (app, _) in started)
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new RunningEmulators(started);
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(host, out var address)
            ? address
            : throw new ArgumentException($"--host '{host}' is not an IP address (use 127.0.0.1, 0.0.0.0, ::1 or localhost)");
    }

    private static WebApplication Build(ListenerSpec spec, IPAddress address, int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "ServingBench.Emulators" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;

            // Real payloads are hundreds of KB per message: larger HTTP/2 windows avoid flow-control stalls.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            if (spec.MaxRequestHeadBytes is var (requestLine, headers))
            {
                kestrel.Limits.MaxRequestLineSize = requestLine;
                kestrel.Limits.MaxRequestHeadersTotalSize = headers;
            }

            kestrel.Listen(address, port, listen =>
            {
                listen.Protocols = spec.Grpc is null ? HttpProtocols.Http1 : HttpProtocols.Http2;
                if (spec.MalformedRequest is { } answer)
                {
                    listen.Use(MalformedRequestAnswer.Middleware(answer));
                }
            });
        });

        if (spec.Grpc is { } table)
        {
            builder.Services.AddRouting();
            builder.Services.AddGrpc(grpc =>
            {
                grpc.MaxReceiveMessageSize = spec.MaxGrpcReceiveBytes;
                grpc.MaxSendMessageSize = null;
                if (spec.GrpcCompression is { } compression)
                {
                    grpc.CompressionProviders = compression.Providers();
                    grpc.ResponseCompressionAlgorithm = compression.Answers?.Token;
                    grpc.ResponseCompressionLevel = compression.Answers?.Level;
                }
            });
            builder.Services.AddSingleton(table);
            builder.Services.AddSingleton<IServiceMethodProvider<RawGrpcService>, RawGrpcMethodProvider>();
        }

        var app = builder.Build();
        if (spec.Grpc is not null)
        {
            app.UseRouting();
            app.MapGrpcService<RawGrpcService>();
        }
        else
        {
            app.Run(spec.Rest ?? throw new ArgumentException($"listener {spec.Server} {spec.Role} has neither REST handler nor gRPC methods"));
        }

        return app;
    }
}

/// <summary>Started emulators: their endpoints, and one stop for all.</summary>
public sealed class RunningEmulators : IAsyncDisposable
{
    private readonly List<(WebApplication App, EmulatorEndpoint Endpoint)> _apps;

    internal RunningEmulators(List<(WebApplication App, EmulatorEndpoint Endpoint)> apps)
    {
        _apps = apps;
    }

    public IReadOnlyList<EmulatorEndpoint> Endpoints => [.. _apps.Select(a => a.Endpoint)];

    /// <summary>The inference address of a framework's REST or gRPC listener.</summary>
    public Uri Address(Framework framework, Protocol protocol)
    {
        var role = protocol == Protocol.Rest ? EndpointRole.Rest : EndpointRole.Grpc;
        return _apps.Select(a => a.Endpoint).FirstOrDefault(e => e.Framework == framework && e.Role == role)?.Address
            ?? throw new InvalidOperationException($"no {Scenario.FrameworkName(framework)} {Scenario.ProtocolName(protocol)} emulator is running");
    }

    public Uri Address(EndpointRole role) =>
        _apps.Select(a => a.Endpoint).FirstOrDefault(e => e.Role == role)?.Address
            ?? throw new InvalidOperationException($"no {role} listener is running");

    /// <summary>One handle for two started sets (the other is emptied).</summary>
    public RunningEmulators Merge(RunningEmulators other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _apps.AddRange(other._apps);
        other._apps.Clear();
        return this;
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (app, _) in _apps)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (app, _) in _apps)
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _apps.Clear();
    }
}
