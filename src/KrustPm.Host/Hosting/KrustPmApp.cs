using System.Net;
using KrustPm.Engine;
using KrustPm.Engine.Linux;
using KrustPm.Host.Api;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>Builds the krust-pm web host: the engine, the API and the listening address.</summary>
internal static class KrustPmApp
{
    /// <summary>Extra time the host gives the engine's shutdown beyond the longest stop timeout.</summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(5);

    public static WebApplication Build(KrustConfig config, string[] hostArgs)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = hostArgs,
            ContentRootPath = Path.GetDirectoryName(config.Path),
        });

        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, config.Server));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout(config));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            ApiJson.Configure(json.SerializerOptions);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Context);
        });
        builder.Services.AddProblemDetails();

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IProcessLauncher, LinuxProcessLauncher>();
        builder.Services.AddSingleton(services => new ProcessEngine(
            services.GetRequiredService<IProcessLauncher>(),
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<EngineEventLog>();
        builder.Services.AddHostedService<EngineService>();

        builder.Services.AddApiModules();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapApiModules();
        return app;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, ServerAddress server)
    {
        if (string.Equals(server.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(server.Port);
        }
        else if (IPAddress.TryParse(server.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, server.Port);
        }
        else
        {
            foreach (var resolved in Dns.GetHostAddresses(server.Host))
            {
                kestrel.Listen(resolved, server.Port);
            }
        }
    }

    private static TimeSpan ShutdownTimeout(KrustConfig config) =>
        (config.Programs.IsEmpty ? TimeSpan.Zero : config.Programs.Max(p => p.StopTimeout)) + ShutdownMargin;
}
