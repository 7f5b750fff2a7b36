using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm logs NAME[:ID] [-n N] [-f] [--stderr]</c> and <c>krust-pm events</c>: read (and follow) what the
/// running krust-pm serves. Ctrl-C (or SIGTERM) ends a follow cleanly, with exit code 0.
/// </summary>
internal static class StreamCommands
{
    public static void Add(RootCommand root, Option<string?> configOption, Option<string?> urlOption)
    {
        var target = new Argument<string>("NAME[:ID]") { Description = "The program, and the instance when it has several." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines (default 100).", DefaultValueFactory = _ => 100 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl-C." };
        var stderr = new Option<bool>("--stderr") { Description = "Standard error instead of standard output." };
        var logs = new Command("logs", "Print the last lines of an instance's output, and follow it with -f.") { target, lines, follow, stderr, urlOption };
        logs.SetAction((parse, _) => WithConnection(parse, configOption, urlOption, async connection =>
        {
            var text = parse.GetValue(target)!;
            var colon = text.LastIndexOf(':');
            var name = colon < 0 ? text : text[..colon];
            var query = $"?tail={parse.GetValue(lines).ToString(CultureInfo.InvariantCulture)}&stream={(parse.GetValue(stderr) ? "stderr" : "stdout")}";
            if (colon >= 0)
            {
                query += $"&instance={Uri.EscapeDataString(text[(colon + 1)..])}";
            }

            var path = $"api/v1/programs/{Uri.EscapeDataString(name)}/logs{query}";
            if (parse.GetValue(follow))
            {
                return await FollowAsync(connection, path + "&follow=true", data => data);
            }

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
        }));
        root.Subcommands.Add(logs);

        var since = new Option<long?>("--since") { Description = "Start after this event id (0: everything still kept)." };
        var events = new Command("events", "Print the running krust-pm's events as they happen, one line each, until Ctrl-C.") { since, urlOption };
        events.SetAction((parse, _) => WithConnection(parse, configOption, urlOption, connection =>
            FollowAsync(
                connection,
                "api/v1/events" + (parse.GetValue(since) is { } from ? $"?since={from.ToString(CultureInfo.InvariantCulture)}" : string.Empty),
                EventLine)));
        root.Subcommands.Add(events);
    }

    private static async Task<int> WithConnection(ParseResult parse, Option<string?> configOption, Option<string?> urlOption, Func<ApiConnection, Task<int>> run) =>
        await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption)) is { } connection
            ? await run(connection)
            : KrustPmCommandLine.ExitUsage;

    /// <summary>Prints each Server-Sent Event's data, formatted, until the stream ends or Ctrl-C.</summary>
    private static async Task<int> FollowAsync(ApiConnection connection, string path, Func<string, string> format)
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
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    await Console.Out.WriteLineAsync(format(line["data: ".Length..]));
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
