using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KrustPm.Engine.Journal;
using KrustPm.Host.Api;
using KrustPm.Host.Config;
using KrustPm.Host.Events;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm replay</c> and <c>krust-pm history</c>: read the journal folder directly (krust-pm need not run), to see
/// the state at a past moment, or what happened, across restarts of krust-pm.
/// </summary>
internal static class JournalCommands
{
    public static void Add(RootCommand root, Option<string?> configOption)
    {
        var journalOption = new Option<string?>("--journal")
        {
            Description = "The journal folder (default: journal_dir of the configuration file).",
            HelpName = "DIR",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON (replay: as GET / shows it; history: one event per line)." };

        var at = new Option<string?>("--at") { Description = "The moment: an ISO 8601 time (2026-12-04T14:03:00Z), or how long ago (90s, 15m, 2h, 1d).", HelpName = "TIME" };
        var version = new Option<long?>("--version") { Description = "The moment: a state version (as /healthz shows it).", HelpName = "N", CustomParser = WholeNumbers.ParseNullable<long> };
        var replay = new Command("replay", "Rebuild the state at a past moment from the journal and print it as 'krust-pm status' does (default: the newest state).")
        {
            journalOption, at, version, jsonOption,
        };
        replay.SetAction(async (parse, _) =>
        {
            if (await FolderAsync(parse.GetValue(journalOption), parse.GetValue(configOption)) is not { } folder
                || !Moment.TryParse(parse.GetValue(at), "--at", out var when))
            {
                return KrustPmCommandLine.ExitUsage;
            }

            return await ReplayAsync(folder, parse.GetValue(version), when, parse.GetValue(jsonOption));
        });
        root.Subcommands.Add(replay);

        var target = new Argument<string?>("NAME[:ID]") { Description = "One program, or one instance (default: everything).", Arity = ArgumentArity.ZeroOrOne };
        var since = new Option<string?>("--since") { Description = "Only events at or after this time: ISO 8601, or how long ago (90s, 15m, 2h, 1d).", HelpName = "TIME" };
        var history = new Command("history", "Print what happened, from the journal, across restarts of krust-pm, in the words of 'krust-pm events'.")
        {
            target, since, journalOption, jsonOption,
        };
        history.SetAction(async (parse, _) =>
        {
            if (await FolderAsync(parse.GetValue(journalOption), parse.GetValue(configOption)) is not { } folder
                || !Moment.TryParse(parse.GetValue(since), "--since", out var from))
            {
                return KrustPmCommandLine.ExitUsage;
            }

            return await HistoryAsync(folder, parse.GetValue(target), from, parse.GetValue(jsonOption));
        });
        root.Subcommands.Add(history);
    }

    private static async Task<int> ReplayAsync(string folder, long? version, DateTimeOffset? at, bool json)
    {
        var moment = JournalReader.StateAt(folder, version, at, Warn);
        if (moment is null)
        {
            await Console.Error.WriteLineAsync(JournalSegments.List(folder).Count == 0
                ? $"krust-pm: no journal in {folder}."
                : $"krust-pm: the journal in {folder} does not go back to {(version is { } v ? $"version {v}" : at?.ToString("O", CultureInfo.InvariantCulture))} (older segments were deleted, see journal_max_segments).");
            return KrustPmCommandLine.ExitFailed;
        }

        var body = JsonSerializer.Serialize<IReadOnlyList<ProgramView>>(StateProjection.Programs(moment.State), ApiJson.Context.IReadOnlyListProgramView);
        if (json)
        {
            await Console.Out.WriteLineAsync(body);
            return KrustPmCommandLine.ExitOk;
        }

        await Console.Out.WriteLineAsync($"state version {moment.State.Version} at {moment.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture)}");
        using var document = JsonDocument.Parse(body);
        await Console.Out.WriteAsync(StatusCommand.Table(document.RootElement.EnumerateArray(), moment.At));
        return KrustPmCommandLine.ExitOk;
    }

    private static async Task<int> HistoryAsync(string folder, string? target, DateTimeOffset? since, bool json)
    {
        var (program, instance) = Target(target);
        var any = false;
        foreach (var record in JournalReader.Records(folder, 0, Warn))
        {
            if ((since is { } from && record.Event.At < from) || ApiEvents.From(record.Event, record.Id) is not { } entry
                || (program is not null && entry.Program != program) || (instance is not null && entry.Instance != instance))
            {
                continue;
            }

            var line = JsonSerializer.Serialize(entry, ApiJson.Compact.ApiEvent);
            await Console.Out.WriteLineAsync(json ? line : StreamCommands.EventLine(line));
            any = true;
        }

        if (!any && JournalSegments.List(folder).Count == 0)
        {
            await Console.Error.WriteLineAsync($"krust-pm: no journal in {folder}.");
            return KrustPmCommandLine.ExitFailed;
        }

        return KrustPmCommandLine.ExitOk;
    }

    private static (string? Program, long? Instance) Target(string? target)
    {
        if (target is null)
        {
            return (null, null);
        }

        var colon = target.LastIndexOf(':');
        return colon > 0 && long.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (target[..colon], id)
            : (target, null);
    }

    private static async Task<string?> FolderAsync(string? given, string? configPath)
    {
        if (given is not null)
        {
            return Path.GetFullPath(given);
        }

        var location = ConfigLocator.Locate(configPath, Environment.CurrentDirectory);
        return await StartChecks.LoadWithWarningsAsync(location, "nothing was read") is { Config: { } config } ? config.Journal.Directory : null;
    }

    /// <summary>Reads a time: ISO 8601, or a duration ago (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>).</summary>
    private static void Warn(string warning) => Console.Error.WriteLine($"krust-pm: {warning}");
}
