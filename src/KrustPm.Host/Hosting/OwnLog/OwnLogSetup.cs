using KrustPm.Host.Config;
using Microsoft.Extensions.Logging.Console;

namespace KrustPm.Host.Hosting.OwnLog;

/// <summary>
/// krust-pm's own log: on stderr (stdout carries programs' output in attach mode), as text or JSON
/// (<see cref="TextLogFormatter"/>, <see cref="JsonLogFormatter"/>), without the web host's start-up chatter.
/// </summary>
internal static class OwnLogSetup
{
    public static void Configure(ILoggingBuilder logging, LogFormat format)
    {
        logging.ClearProviders();
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // "Now listening on", "Application started. Press Ctrl+C", "Hosting environment", "Content root path": the
        // start-up line of DashboardLink says where krust-pm listens instead.
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // The host logs a failed start-up (a busy port, a refused socket, a stop while starting) with its stack
        // trace; the command line reports each in one line instead (KrustPmCommandLine.RunAsync).
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // Registered as instances rather than with AddConsoleFormatter<T, TOptions>, which binds options by reflection.
        logging.Services.AddSingleton<ConsoleFormatter>(new TextLogFormatter(TimeProvider.System, JournalStream.IsStandardError()));
        logging.Services.AddSingleton<ConsoleFormatter>(new JsonLogFormatter(TimeProvider.System));
        logging.AddConsole(console =>
        {
            console.LogToStandardErrorThreshold = LogLevel.Trace;
            console.FormatterName = format == LogFormat.Json ? JsonLogFormatter.FormatterName : TextLogFormatter.FormatterName;
        });
    }
}
