using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using KrustPm.Engine;
using KrustPm.Engine.Linux;
using KrustPm.Engine.Logs;
using KrustPm.Host.Api;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>Builds the krust-pm web host: the engine, the API and the listening address.</summary>
internal static class KrustPmApp
{
    public static WebApplication Build(KrustConfig config, ConfigSource source, string[] hostArgs, JournalSetup journal)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = hostArgs,
            ContentRootPath = Path.GetDirectoryName(config.Path),
        });

        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, config.Server));
        ConfigureLogging(builder.Logging, config.LogFormat);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownBudget.HostTimeout(config.Programs));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            ApiJson.Configure(json.SerializerOptions);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Context);
        });
        builder.Services.AddProblemDetails();

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(source);
        builder.Services.AddSingleton<ConfigReload>();
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => new OutputStore(config.LogDirectory));
        builder.Services.AddSingleton<IProcessLauncher>(services =>
            new LinuxProcessLauncher(LinuxProcessLauncherOptions.Default, services.GetRequiredService<OutputStore>()));
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
                Journal = journal.Journal,
                Start = journal.Start,
            }));
        builder.Services.AddSingleton<EngineEventLog>();
        builder.Services.AddSingleton<Events.EventFeed>();
        builder.Services.AddHostedService<EngineService>();
        builder.Services.AddHostedService<ConfigWatcher>(); // after the engine service: watches once the programs are loaded

        builder.Services.AddApiModules();
        builder.Services.AddSingleton<ApiGuard>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiGuard>();
        app.MapApiModules();
        return app;
    }

    /// <summary>krust-pm's own log goes to stderr (stdout carries programs' output in attach mode), as text or JSON.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging, LogFormat format)
    {
        logging.ClearProviders();
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // The host logs a failed start-up (a busy port, a refused socket, a stop while starting) with its stack
        // trace; the command line reports each in one line instead (KrustPmCommandLine.RunAsync).
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.AddConsole(console =>
        {
            console.LogToStandardErrorThreshold = LogLevel.Trace;
            console.FormatterName = format == LogFormat.Json ? "json" : "simple";
        });
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(json =>
            {
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";
                json.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, ServerAddress server)
    {
        if (server.UnixSocket is { } socket)
        {
            kestrel.ListenUnixSocket(socket);
        }
        else if (string.Equals(server.Host, "localhost", StringComparison.OrdinalIgnoreCase))
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
}
