using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
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
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl-C." };
        var stderr = new Option<bool>("--stderr") { Description = "Standard error instead of standard output." };
        var logsSince = new Option<string?>("--since")
        {
            Description = "Only lines written since then: how long ago (90s, 10m, 2h, 1d) or an ISO 8601 time (needs log_timestamps = true).",
            HelpName = "TIME",
        };
        var logs = new Command("logs", "Print the last lines of the output of an instance, a program, a group or every program, and follow it with -f.")
        {
            target, lines, follow, stderr, logsSince, urlOption,
        };
        logs.SetAction((parse, _) => WithConnection(parse, configOption, urlOption, async connection =>
        {
            if (!Moment.TryParse(parse.GetValue(logsSince), "--since", out var from))
            {
                return KrustPmCommandLine.ExitUsage;
            }

            var query = $"tail={parse.GetValue(lines).ToString(CultureInfo.InvariantCulture)}&stream={(parse.GetValue(stderr) ? "stderr" : "stdout")}";
            var text = parse.GetValue(target) ?? Api.ProgramTargets.All;
            var colon = text.LastIndexOf(':');
            if (colon > 0 && from is null)
            {
                // One instance, read as before (also the logs an instance removed since left behind).
                var path = $"api/v1/programs/{Uri.EscapeDataString(text[..colon])}/logs?{query}&instance={Uri.EscapeDataString(text[(colon + 1)..])}";
                return parse.GetValue(follow) ? await FollowAsync(connection, path + "&follow=true", data => data) : await InstanceTailAsync(connection, path);
            }

            return parse.GetValue(follow)
                ? await LogsFollowAsync(connection, text, query, from)
                : await LogsTailAsync(connection, text, query, from);
        }));
        root.Subcommands.Add(logs);

        var since = new Option<long?>("--since") { Description = "Start after this event id (0: everything still kept).", CustomParser = WholeNumbers.ParseNullable<long> };
        var events = new Command("events", "Print the running krust-pm's events as they happen, one line each, until Ctrl-C.") { since, urlOption };
        events.SetAction((parse, _) => WithConnection(parse, configOption, urlOption, connection =>
            FollowAsync(
                connection,
                "api/v1/events" + (parse.GetValue(since) is { } from ? $"?since={from.ToString(CultureInfo.InvariantCulture)}" : string.Empty),
                EventLine)));
        root.Subcommands.Add(events);
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

    private static Task<int> LogsFollowAsync(ApiConnection connection, string target, string query, DateTimeOffset? since)
    {
        var several = false;
        return FollowAsync(connection, LogsPath(target, query, since) + "&follow=true", (name, data) =>
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

    /// <summary>Prints each Server-Sent Event's data, formatted, until the stream ends or Ctrl-C.</summary>
    private static Task<int> FollowAsync(ApiConnection connection, string path, Func<string, string> format) =>
        FollowAsync(connection, path, (_, data) => format(data));

    /// <summary>Prints each Server-Sent Event, formatted from its name and data (nothing for <see langword="null"/>), until the stream ends or Ctrl-C.</summary>
    private static async Task<int> FollowAsync(ApiConnection connection, string path, Func<string?, string, string?> format)
    {
        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var client = connection.CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"krust-pm: {ApiCall.Detail(await response.Content.ReadAsStringAsync(stop.Token))}");
                return KrustPmCommandLine.ExitFailed;
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            string? name = null;
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && format(name, line["data: ".Length..]) is { } text)
                {
                    await Console.Out.WriteLineAsync(text);
                }
                else if (line.Length == 0)
                {
                    name = null;
                }
            }

            return KrustPmCommandLine.ExitOk;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return KrustPmCommandLine.ExitOk;
        }
        catch (HttpRequestException error)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: cannot reach krust-pm at {connection.Describe}: {error.Message}. Is it running? Start it with: krust-pm run");
            return ApiCall.ExitUnreachable;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // end the follow; the process then exits normally
            stop.Cancel();
        }
    }

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
