using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SharpSR.Serve;

/// <summary>Builds and runs the server on Kestrel.</summary>
public static class ServeHost
{
    /// <param name="weights">The assembly whose resources hold the shipped weights (the CLI's).</param>
    /// <param name="log">Receives one line per unexpected server failure.</param>
    public static IHostBuilder CreateBuilder(ServeSettings settings, Assembly? weights, Action<string>? log = null)
    {
        settings.Validate();
        return new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true))
            .ConfigureWebHost(web => web
                .UseKestrel(k =>
                {
                    k.AddServerHeader = false;
                    // Multipart framing comes on top of the image; the image itself is held to the limit as it is read.
                    k.Limits.MaxRequestBodySize = settings.MaxUploadBytes + 1024 * 1024;
                    if (settings.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) k.ListenLocalhost(settings.Port);
                    else k.Listen(IPAddress.Parse(settings.Host), settings.Port);
                })
                .ConfigureServices(s => ServeApp.AddServices(s, settings, weights, log))
                .Configure(ServeApp.Configure));
    }

    /// <summary>Starts the server and returns it with the address it listens on (port 0 picks a free one).</summary>
    public static async Task<(IHost Host, Uri Address)> StartAsync(ServeSettings settings, Assembly? weights, Action<string>? log = null, CancellationToken cancel = default)
    {
        var host = CreateBuilder(settings, weights, log).Build();
        try
        {
            await host.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            host.Dispose();
            throw new IOException($"cannot listen on {settings.Host}:{settings.Port}: {e.Message} (is another server using the port? pass --port)", e);
        }
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.First().Replace("[::]", "localhost").Replace("0.0.0.0", "localhost"));
        return (host, address);
    }

    /// <summary>Runs the server until Ctrl+C (or SIGTERM); <paramref name="started"/> hears the address once it listens.</summary>
    public static void Run(ServeSettings settings, Assembly? weights, Action<Uri> started, Action<string>? log = null)
    {
        var (host, address) = StartAsync(settings, weights, log).GetAwaiter().GetResult();
        using (host)
        {
            started(address);
            host.WaitForShutdown();
        }
    }
}
