using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm logs [NAME[:ID]|@GROUP|all] [-n N] [-f] [--stderr] [--since T]</c> and <c>krust-pm events</c>: read (and follow) what the
/// running krust-pm serves. Ctrl-C (or SIGTERM) ends a follow cleanly, with exit code 0.
/// </summary>
internal static class StreamCommands
{
    public static void Add(RootCommand root, Option<string?> configOption, Option<string?> urlOption)
    {
        var target = new Argument<string?>("TARGET")
        {
            Description = "NAME, NAME:ID, @GROUP or all (the default): several instances are interleaved, each line prefixed 'name.id | '.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        target.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Instances | ProgramNameCompletions.Forms.Groups);
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines of each instance (default 100).", DefaultValueFactory = _ => 100, CustomParser = WholeNumbers.Parse<int> };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl-C, or until the reader of the output goes away (| head, | grep -m1)." };
        var noReconnect = new Option<bool>("--no-reconnect") { Description = "With -f: end when krust-pm ends the stream (it stops or restarts) instead of reconnecting." };
        var stderr = new Option<bool>("--stderr") { Description = "Standard error instead of standard output." };
        var logsSince = new Option<string?>("--since")
        {
            Description = "Only lines written since then: how long ago (90s, 10m, 2h, 1d) or an ISO 8601 time (needs log_timestamps = true).",
            HelpName = "TIME",
        };
        var logs = new Command("logs", "Print the last lines of the output of an instance, a program, a group or every program, and follow it with -f.")
        {
            target, lines, follow, stderr, logsSince, noReconnect, urlOption,
        };
        logs.SetAction((parse, _) => WithConnection(parse, configOption, urlOption, async connection =>
        {
            if (!Moment.TryParse(parse.GetValue(logsSince), "--since", out var from))
            {
                return KrustPmCommandLine.ExitUsage;
            }

            var query = $"tail={parse.GetValue(lines).ToString(CultureInfo.InvariantCulture)}&stream={(parse.GetValue(stderr) ? "stderr" : "stdout")}";
            var text = parse.GetValue(target) ?? Api.ProgramTargets.All;
            if (parse.GetValue(follow) && from is null)
            {
                var (only, unreachable) = await SoleInstanceAsync(connection, text);
                if (unreachable is { } exit)
                {
                    return exit; // said on stderr
                }

                text = only is { } id ? $"{text}:{id.ToString(CultureInfo.InvariantCulture)}" : text; // one instance: its stream resumes by line id
            }

            var colon = text.LastIndexOf(':');
            if (colon > 0 && from is null)
            {
                // One instance, read as before (also the logs an instance removed since left behind).
                var path = $"api/v1/programs/{Uri.EscapeDataString(text[..colon])}/logs?{query}&instance={Uri.EscapeDataString(text[(colon + 1)..])}";
                var resume = path.Replace($"tail={parse.GetValue(lines).ToString(CultureInfo.InvariantCulture)}", "tail=0", StringComparison.Ordinal);
                return parse.GetValue(follow)
                    ? await new StreamFollower(connection, !parse.GetValue(noReconnect)).FollowAsync(path + "&follow=true", resume + "&follow=true", InstanceLine)
                    : await InstanceTailAsync(connection, path);
            }

            return parse.GetValue(follow)
                ? await LogsFollowAsync(new StreamFollower(connection, !parse.GetValue(noReconnect)), text, query, from)
                : await LogsTailAsync(connection, text, query, from);
        }));
        root.Subcommands.Add(logs);

        var since = new Option<long?>("--since") { Description = "Start after this event id (0: everything still kept).", CustomParser = WholeNumbers.ParseNullable<long> };
        var eventsNoReconnect = new Option<bool>("--no-reconnect") { Description = "End when krust-pm ends the stream (it stops or restarts) instead of reconnecting with Last-Event-ID." };
        var events = new Command("events", "Print the running krust-pm's events as they happen, one line each, until Ctrl-C or until the reader of the output goes away.")
        {
            since, eventsNoReconnect, urlOption,
        };
        events.SetAction((parse, _) => WithConnection(parse, configOption, urlOption, connection =>
        {
            var path = "api/v1/events" + (parse.GetValue(since) is { } from ? $"?since={from.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
            return new StreamFollower(connection, !parse.GetValue(eventsNoReconnect)).FollowAsync(path, "api/v1/events", (_, data) => EventLine(data));
        }));
        root.Subcommands.Add(events);
    }

    /// <summary>
    /// The id of a program's only instance, when <paramref name="target"/> names a program that has exactly one;
    /// else (a group, <c>all</c>, an instance, several instances, or no answer) <see langword="null"/>, quietly: the
    /// logs request that follows reports what is wrong. When krust-pm cannot be reached (said on stderr), the exit code.
    /// </summary>
    private static async Task<(long? Id, int? Unreachable)> SoleInstanceAsync(ApiConnection connection, string target)
    {
        if (target.Contains(':', StringComparison.Ordinal) || target.StartsWith('@') || target == Api.ProgramTargets.All)
        {
            return (null, null);
        }

        var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, $"api/v1/programs/{Uri.EscapeDataString(target)}", onError: (_, _) => Task.FromResult<int?>(KrustPmCommandLine.ExitFailed));
        if (body is null)
        {
            return (null, exit == ApiCall.ExitUnreachable ? exit : null);
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("instances") is { ValueKind: JsonValueKind.Array } instances && instances.GetArrayLength() == 1
            ? (instances[0].GetProperty("id").GetInt64(), null)
            : (null, null);
    }

    /// <summary>The query of <c>GET /api/v1/logs</c> for a target, with <c>since</c> as an RFC 3339 time.</summary>
    private static string LogsPath(string target, string query, DateTimeOffset? since) =>
        $"api/v1/logs?target={Uri.EscapeDataString(target)}&{query}"
        + (since is { } from ? $"&since={Uri.EscapeDataString(from.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}" : string.Empty);

    private static async Task<int> InstanceTailAsync(ApiConnection connection, string path)
    {
        var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, path);
        if (body is not null)
        {
            using var document = JsonDocument.Parse(body);
            foreach (var line in document.RootElement.GetProperty("lines").EnumerateArray())
            {
                await Console.Out.WriteLineAsync(line.GetString());
            }
        }

        return exit;
    }

    private static async Task<int> LogsTailAsync(ApiConnection connection, string target, string query, DateTimeOffset? since)
    {
        var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, LogsPath(target, query, since));
        if (body is null)
        {
            return exit;
        }

        using var document = JsonDocument.Parse(body);
        var several = document.RootElement.GetProperty("instances").GetArrayLength() > 1;
        foreach (var entry in document.RootElement.GetProperty("lines").EnumerateArray())
        {
            await Console.Out.WriteLineAsync(LogLine(entry, several));
        }

        return exit;
    }

    /// <summary>
    /// A line of one instance's follow as it is; a <c>gap</c> (lines between the last one shown and where a reconnect
    /// resumed may be missing) goes to stderr, as krust-pm's other notes do.
    /// </summary>
    private static string? InstanceLine(string? eventName, string data)
    {
        if (eventName == "gap")
        {
            Console.Error.WriteLine($"krust-pm: {data}");
            return null;
        }

        return data;
    }

    private static Task<int> LogsFollowAsync(StreamFollower follower, string target, string query, DateTimeOffset? since)
    {
        var several = false;
        var resume = LogsPath(target, System.Text.RegularExpressions.Regex.Replace(query, "tail=[0-9]+", "tail=0"), since: null) + "&follow=true";
        return follower.FollowAsync(LogsPath(target, query, since) + "&follow=true", resume, (name, data) =>
        {
            using var document = JsonDocument.Parse(data);
            if (name == "instances")
            {
                several = document.RootElement.GetArrayLength() > 1;
                return null;
            }

            return LogLine(document.RootElement, several);
        });
    }

    /// <summary>A line as <c>logs</c> prints it: as written for one instance, <c>name.id | line</c> among several (as <c>--attach</c> does).</summary>
    private static string LogLine(JsonElement entry, bool several) => several
        ? Hosting.AttachPrinter.Plain(entry.GetProperty("program").GetString()!, entry.GetProperty("instance").GetInt64(), entry.GetProperty("line").GetString()!)
        : entry.GetProperty("line").GetString()!;

    private static async Task<int> WithConnection(ParseResult parse, Option<string?> configOption, Option<string?> urlOption, Func<ApiConnection, Task<int>> run) =>
        await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption)) is { } connection
            ? await run(connection)
            : KrustPmCommandLine.ExitUsage;

    /// <summary>One event as one readable line: <c>#18 04:18:13.679 instance.exited good_sleeper.0 -> Backoff try 2 exit 1 retrying</c>.</summary>
    internal static string EventLine(string data)
    {
        using var document = JsonDocument.Parse(data);
        var e = document.RootElement;
        string? Text(string name) => e.TryGetProperty(name, out var value) ? value.ToString() : null;
        var who = Text("program") is { } program ? Text("instance") is { } instance ? $" {program}.{instance}" : $" {program}" : string.Empty;
        var at = e.TryGetProperty("at", out var time) ? time.GetDateTimeOffset().ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : string.Empty;
        var change = Text("status") is { } status ? $" -> {status}" : string.Empty;
        var details = string.Join(
            string.Empty,
            new[]
            {
                ("command", ""), ("try", "try "), ("pid", "pid "), ("exitCode", "exit "), ("signal", ""), ("outcome", ""), ("reason", ""),
                ("instances", "instances "), ("missed", "missed "),
            }
                .Where(f => Text(f.Item1) is not null)
                .Select(f => $" {f.Item2}{Text(f.Item1)}"));
        return $"#{Text("id") ?? "-"} {at} {Text("type")}{who}{change}{details}";
    }
}
