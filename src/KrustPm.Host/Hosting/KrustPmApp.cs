using System.Net;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;
using KrustPm.Host.Api;
using KrustPm.Host.Config;
using KrustPm.Host.Metrics;

namespace KrustPm.Host.Hosting;

/// <summary>Builds the krust-pm web host: the engine, the API and the listening address.</summary>
internal static class KrustPmApp
{
    /// <summary>The largest request body krust-pm reads (a command body is well under 100 bytes).</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    /// <summary>What Kestrel may hold of one response before its writer waits for the client.</summary>
    public const int ResponseBufferBytes = 64 * 1024;

    public static WebApplication Build(KrustConfig config, ConfigSource source, string[] hostArgs, JournalSetup journal, Containment containment)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No watch of the config folder for appsettings.json: it holds the logs and the journal, and every line
            // written there would wake a recursive FileSystemWatcher.
            Args = [.. hostArgs, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = Path.GetDirectoryName(config.Path),
        });

        // krust-pm's settings come from its TOML file and command line only: an appsettings.json that happens to lie
        // beside it must not add listeners (a Kestrel section) or change log levels behind the user's back.
        foreach (var json in builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(json);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, config.Server);
            Limit(kestrel.Limits);
        });
        OwnLog.OwnLogSetup.Configure(builder.Logging, config.LogFormat);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownBudget.HostTimeout(config.Programs));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            ApiJson.Configure(json.SerializerOptions);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Context);
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestAnswers>();

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(source);
        builder.Services.AddSingleton<ConfigReload>();
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => new OutputStore(config.LogDirectory));
        builder.Services.AddSingleton<LogFileReopener>();
        var launching = LauncherOptions(config);
        builder.Services.AddSingleton(containment);
        builder.Services.AddSingleton<IProcessLauncher>(services => new LinuxProcessLauncher(launching, services.GetRequiredService<OutputStore>(), containment.Tree));
        if (config.Attach)
        {
            builder.Services.AddSingleton(services => new AttachPrinter(
                services.GetRequiredService<OutputStore>(), config, Console.Out, AttachPrinter.ColourWanted()));
        }

        builder.Services.AddSingleton(services => new ProcessEngine(
            services.GetRequiredService<IProcessLauncher>(),
            EngineOptions.Default with
            {
                Time = services.GetRequiredService<TimeProvider>(),
                Probes = new ProbeRunner(services.GetRequiredService<TimeProvider>(), launching),
                Journal = journal.Journal,
                Start = journal.Start,
            }));
        builder.Services.AddSingleton<EngineEventLog>();
        builder.Services.AddSingleton<ExitCondition>();
        builder.Services.AddSingleton<RetiredLogFiles>();
        builder.Services.AddSingleton<Events.EventFeed>();
        builder.Services.AddHostedService<EngineService>();
        builder.Services.AddHostedService<ConfigWatcher>(); // after the engine service: watches once the programs are loaded
        builder.Services.AddSingleton<Resources.ResourceSampler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Resources.ResourceSampler>());
        builder.Services.AddHostedService<Dashboard.DashboardLink>();
        builder.Services.AddHostedService<SystemdNotifier>();

        builder.Services.AddApiModules();
        builder.Services.AddSingleton<ApiGuard>();
        builder.Services.AddKrustPmMetrics();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiGuard>();
        app.MapApiModules();
        app.MapKrustPmMetrics();
        return app;
    }

    /// <summary>
    /// How programs (and exec probes) are started: with every protection, and without krust-pm's own secrets in
    /// what they inherit (<c>KRUST_PM_TOKEN</c>, and the variable <c>auth_token = "env:VARIABLE"</c> names), nor
    /// systemd's <c>NOTIFY_SOCKET</c> (a program that speaks sd_notify would report krust-pm ready, or stopping).
    /// </summary>
    internal static LinuxProcessLauncherOptions LauncherOptions(KrustConfig config) => LinuxProcessLauncherOptions.Default with
    {
        WithheldEnvironment = config.AuthTokenVariable is { } variable && variable != TokenVariable
            ? [TokenVariable, variable, SystemdNotifier.SocketVariable]
            : [TokenVariable, SystemdNotifier.SocketVariable],
    };

    /// <summary>The environment variable that sets the API token (and the CLI's token).</summary>
    private const string TokenVariable = "KRUST_PM_TOKEN";

    /// <summary>
    /// Kestrel's limits that krust-pm relies on. Command bodies are a few bytes, so a larger one is refused (413)
    /// before it is read into memory; a response may hold <see cref="ResponseBufferBytes"/> that the client has not
    /// taken yet before its writer waits, which bounds what a stream that is never read costs (see
    /// <see cref="ServerSentEventsStream"/>). Slow bodies are refused by Kestrel's default minimum rate (240 bytes/s
    /// after 5 s).
    /// </summary>
    private static void Limit(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits limits)
    {
        limits.MaxRequestBodySize = MaxRequestBodyBytes;
        limits.MaxResponseBufferSize = ResponseBufferBytes;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, ServerAddress server)
    {
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> listener = InputEndsAfterItsData.Use;
        if (server.UnixSocket is { } socket)
        {
            kestrel.ListenUnixSocket(socket, listener);
        }
        else if (string.Equals(server.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(server.Port, listener);
        }
        else if (IPAddress.TryParse(server.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, server.Port, listener);
        }
        else
        {
            foreach (var resolved in Dns.GetHostAddresses(server.Host))
            {
                kestrel.Listen(resolved, server.Port, listener);
            }
        }
    }
}
