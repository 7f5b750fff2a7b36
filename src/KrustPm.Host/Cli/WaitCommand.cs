using System.CommandLine;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm wait NAME[:ID] --for running|ready|done|stopped [--timeout 30s]</c>, for scripts and CI (like
/// <c>docker compose up --wait</c>): exit 0 once every instance (or the one named) is there, 1 as soon as one is in a
/// state from which it will not get there by itself (Failed, RetriesExceeded, Stopped, Blocked...), 124 when the
/// timeout runs out first (as <c>timeout(1)</c>), 3 when krust-pm cannot be reached. It reads the program again on
/// each of krust-pm's events, so it answers as soon as the state changes, with no polling.
/// </summary>
internal static class WaitCommand
{
    public const int ExitTimedOut = 124;

    public static void Add(RootCommand root, Option<string?> configOption, Option<string?> urlOption)
    {
        var target = new Argument<string>("NAME[:ID]") { Description = "A program (every instance of it), or one instance (NAME:ID)." };
        target.CompleteProgramNames(configOption, urlOption, ProgramNameCompletions.Forms.Instances);
        var wanted = new Option<string>("--for")
        {
            Description = "What to wait for: running, ready (its readiness probe passed or its ready line was printed), done (exited successfully, not restarted) or stopped.",
            Required = true,
            HelpName = "running|ready|done|stopped",
        };
        wanted.AcceptOnlyFromAmong("running", "ready", "done", "stopped");
        var timeout = new Option<string?>("--timeout")
        {
            Description = "How long to wait at most (30s, 2m, 500ms; a number is seconds); exit 124 when it runs out. Default: no limit.",
            HelpName = "DURATION",
        };
        var command = new Command("wait", "Wait until a program's instances (or one instance) are running, ready, done or stopped; for scripts and CI.")
        {
            target, wanted, timeout, urlOption,
        };
        command.SetAction(async (parse, _) =>
        {
            var text = parse.GetValue(target)!;
            if (!TryParseTarget(text, out var name, out var id))
            {
                await Console.Error.WriteLineAsync($"krust-pm: '{text}' is not NAME or NAME:ID (e.g. web or web:0).");
                return KrustPmCommandLine.ExitUsage;
            }

            if (!TryParseTimeout(parse.GetValue(timeout), out var limit))
            {
                await Console.Error.WriteLineAsync($"krust-pm: --timeout '{parse.GetValue(timeout)}' is not a duration (e.g. 30s, 2m, 500ms, or a number of seconds).");
                return KrustPmCommandLine.ExitUsage;
            }

            return await ApiConnection.ResolveAsync(parse.GetValue(urlOption), parse.GetValue(configOption)) is { } connection
                ? await RunAsync(connection, name, id, Enum.Parse<WaitFor>(parse.GetValue(wanted)!, ignoreCase: true), limit)
                : KrustPmCommandLine.ExitUsage;
        });
        root.Subcommands.Add(command);
    }

    private static async Task<int> RunAsync(ApiConnection connection, string name, long? id, WaitFor wanted, TimeSpan? limit)
    {
        var who = id is { } one ? $"{name}.{one.ToString(CultureInfo.InvariantCulture)}" : name;
        var word = wanted.ToString().ToLowerInvariant();
        using var timer = limit is { } bound ? new CancellationTokenSource(bound) : new CancellationTokenSource();
        using var client = connection.CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        var detail = "krust-pm had not answered yet";
        try
        {
            // Subscribed before the first read, so no change between the read and the subscription goes unseen.
            using var response = await client.GetAsync("api/v1/events", HttpCompletionOption.ResponseHeadersRead, timer.Token);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"krust-pm: {ApiCall.Detail(await response.Content.ReadAsStringAsync(timer.Token))}");
                return KrustPmCommandLine.ExitFailed;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timer.Token);
            await using var events = SseParser.Create(stream).EnumerateAsync(timer.Token).GetAsyncEnumerator(timer.Token);
            do
            {
                var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, $"api/v1/programs/{Uri.EscapeDataString(name)}");
                if (body is null)
                {
                    return exit;
                }

                using var program = JsonDocument.Parse(body);
                (var verdict, detail) = WaitCondition.Check(program.RootElement, id, wanted);
                switch (verdict)
                {
                    case WaitVerdict.Reached:
                        await Console.Out.WriteLineAsync($"{who}: {word} ({detail})");
                        return KrustPmCommandLine.ExitOk;
                    case WaitVerdict.Unreachable:
                        await Console.Error.WriteLineAsync($"krust-pm: {who} will not become {word} by itself: {detail}.");
                        return KrustPmCommandLine.ExitFailed;
                }
            }
            while (await events.MoveNextAsync());

            await Console.Error.WriteLineAsync($"krust-pm: krust-pm stopped before {who} became {word} ({detail}).");
            return KrustPmCommandLine.ExitFailed;
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"krust-pm: {who} did not become {word} within {Describe(limit!.Value)} ({detail}).");
            return ExitTimedOut;
        }
        catch (HttpRequestException error)
        {
            await Console.Error.WriteLineAsync(
                $"krust-pm: cannot reach krust-pm at {connection.Describe}: {error.Message}. Is it running? Start it with: krust-pm run");
            return ApiCall.ExitUnreachable;
        }
    }

    private static bool TryParseTarget(string text, out string name, out long? id)
    {
        var colon = text.LastIndexOf(':');
        name = colon < 0 ? text : text[..colon];
        id = null;
        if (colon >= 0)
        {
            if (!long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            id = parsed;
        }

        return name.Length > 0 && name[0] != Api.ProgramTargets.GroupPrefix;
    }

    private static bool TryParseTimeout(string? text, out TimeSpan? limit)
    {
        limit = null;
        if (text is null)
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            limit = TimeSpan.FromSeconds(seconds);
            return seconds > 0;
        }

        if (Config.Units.TryParseDuration(text, out var duration) is null && duration > TimeSpan.Zero)
        {
            limit = duration;
            return true;
        }

        return false;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" : $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
}
