namespace KrustPm.Host.Hosting.OwnLog;

/// <summary>The words krust-pm's own log uses for a line's level and source, in text and in JSON alike.</summary>
internal static class LogWords
{
    /// <summary>
    /// The level's name as Go's slog and OpenTelemetry's severity text spell it (<c>INFO</c>, <c>WARN</c>,
    /// <c>ERROR</c>...), which log shippers map without configuration.
    /// </summary>
    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "NONE",
    };

    /// <summary>
    /// The syslog priority journald files a line under when it starts with <c>&lt;N&gt;</c> (sd-daemon.h):
    /// <c>journalctl -p warning</c> then shows krust-pm's warnings and worse.
    /// </summary>
    public static int JournalPriority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2, // SD_CRIT
        LogLevel.Error => 3,    // SD_ERR
        LogLevel.Warning => 4,  // SD_WARNING
        LogLevel.Information => 6, // SD_INFO
        _ => 7,                 // SD_DEBUG
    };

    /// <summary>
    /// A short source for a logger's category: the engine's events are <c>engine</c>; any other category is its last
    /// name in kebab case (<c>KrustPm.Host.Hosting.ProcessSignals</c> is <c>process-signals</c>,
    /// <c>Microsoft.AspNetCore.Server.Kestrel</c> is <c>kestrel</c>).
    /// </summary>
    public static string Source(string category)
    {
        var name = category[(category.LastIndexOf('.') + 1)..];
        if (name == nameof(EngineEventLog))
        {
            return "engine";
        }

        var source = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                source.Append('-');
            }

            source.Append(char.ToLowerInvariant(c));
        }

        return source.ToString();
    }

    /// <summary>A state's key as a JSON field: <c>Program</c> is <c>program</c>, <c>TimeoutMs</c> is <c>timeoutMs</c>.</summary>
    public static string Field(string key) =>
        key.Length > 0 && char.IsUpper(key[0]) ? char.ToLowerInvariant(key[0]) + key[1..] : key;
}
