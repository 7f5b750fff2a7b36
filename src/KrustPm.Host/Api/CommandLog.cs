using System.Text;

namespace KrustPm.Host.Api;

/// <summary>
/// Writes one line to krust-pm's log for each command the API hands to the engine, naming the command, its target and
/// who asked: <c>command: scale web to 4 (API 127.0.0.1, curl/8.5.0)</c>, or <c>CLI</c> when the request comes from
/// krust-pm's own command line (User-Agent <c>krust-pm-cli/VERSION</c>). Written when krust-pm takes the command,
/// before the engine applies it, so a client that leaves without its answer leaves a trace too.
/// </summary>
internal sealed partial class CommandLog(ILogger<CommandLog> logger)
{
    /// <summary>The product name krust-pm's command line sends in its User-Agent.</summary>
    public const string CliProduct = "krust-pm-cli";

    private const int MaxUserAgentLength = 100;

    /// <summary>Logs a command taken from <paramref name="context"/>'s request; <paramref name="command"/> is e.g. <c>stop web.2</c>.</summary>
    public static void Taken(HttpContext context, string command) =>
        context.RequestServices.GetRequiredService<CommandLog>().Log(context, command);

    /// <summary>The client's address as logged: an IP address, or <c>unix socket</c>.</summary>
    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "unix socket",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        var address => address.ToString(),
    };

    private void Log(HttpContext context, string command)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var who = WhoAsked(context);
            LogCommand(command, who);
        }
    }

    private static string WhoAsked(HttpContext context)
    {
        var agent = Printable(context.Request.Headers.UserAgent.ToString());
        var source = agent.StartsWith(CliProduct + "/", StringComparison.Ordinal) ? "CLI" : "API";
        return agent.Length == 0 ? $"{source} {Address(context)}" : $"{source} {Address(context)}, {agent}";
    }

    /// <summary>The User-Agent cut to a sensible length, with anything unprintable replaced: it goes into a log line.</summary>
    private static string Printable(string agent)
    {
        var text = new StringBuilder(Math.Min(agent.Length, MaxUserAgentLength));
        foreach (var c in agent.AsSpan(0, Math.Min(agent.Length, MaxUserAgentLength)))
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        return text.ToString().Trim();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "command: {Command} ({Source})")]
    private partial void LogCommand(string command, string source);
}
