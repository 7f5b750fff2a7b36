using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm status [NAME] [--json]</c>: the running krust-pm's programs and instances, as a plain, stable,
/// greppable table (one line per instance) or as the API's JSON.
/// </summary>
internal static class StatusCommand
{
    private static readonly string[] Header = ["NAME", "ID", "STATUS", "PID", "UPTIME", "CPU", "MEM", "TRIES", "LAST EXIT"];

    /// <summary>The exit code when an instance needs attention (<see cref="NeedsAttention"/>), like <c>systemctl is-failed</c>.</summary>
    public const int ExitNeedsAttention = 4;

    /// <summary>The statuses after which an instance will not run again by itself: someone has to look.</summary>
    private static readonly string[] AttentionStatuses = ["RetriesExceeded", "Failed", "Blocked"];

    public static async Task<int> RunAsync(ApiConnection connection, string? program, bool json, TextWriter output, TimeProvider time)
    {
        var path = program is null ? "api/v1/programs" : $"api/v1/programs/{Uri.EscapeDataString(program)}";
        var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, path);
        if (body is null)
        {
            return exit;
        }

        using var document = JsonDocument.Parse(body);
        var programs = program is null ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
        if (json)
        {
            // One shape whatever the arguments: an array of programs, as the API's list.
            await output.WriteLineAsync(program is null ? body : $"[{body}]");
        }
        else if (ReferenceEquals(output, Console.Out) && Terminal.Fancy)
        {
            var ready = ShowsReady(programs);
            var (columns, rows) = StatusFit.Fit(Columns(ready), Rows(programs, time.GetUtcNow(), ready), AnsiConsole.Profile.Width);
            AnsiConsole.Write(Terminal.Table(columns, rows, AnsiConsole.Profile.Width));
        }
        else
        {
            await output.WriteAsync(Table(programs, time.GetUtcNow()));
        }

        return NeedsAttention(programs) ? ExitNeedsAttention : KrustPmCommandLine.ExitOk;
    }

    /// <summary>Whether an instance is RetriesExceeded, Failed or Blocked: it will not run again unless someone acts.</summary>
    public static bool NeedsAttention(IEnumerable<JsonElement> programs) =>
        programs.SelectMany(p => p.GetProperty("instances").EnumerateArray())
            .Any(i => AttentionStatuses.Contains(i.GetProperty("status").GetString()));

    /// <summary>
    /// One line per instance, columns padded to the widest value, so it reads well and greps well. A READY column
    /// follows STATUS only when a program has a readiness probe or a <c>ready_log_line</c>.
    /// </summary>
    public static string Table(IEnumerable<JsonElement> programs, DateTimeOffset now)
    {
        var all = programs.ToList();
        var ready = ShowsReady(all);
        return Terminal.Plain(Columns(ready), Rows(all, now, ready));
    }

    /// <summary>The columns: name, id, status, (ready,) pid, uptime, cpu, mem, tries, last exit.</summary>
    public static IReadOnlyList<string> Columns(bool ready) => ready ? [.. Header[..3], "READY", .. Header[3..]] : Header;

    /// <summary>Whether any of the programs has a readiness probe or a <c>ready_log_line</c> (in its <c>config</c>).</summary>
    public static bool ShowsReady(IEnumerable<JsonElement> programs) =>
        programs.Any(p => p.TryGetProperty("config", out var config)
            && (config.TryGetProperty("readiness", out _) || config.TryGetProperty("readyLogLine", out _)));

    /// <summary>One row per instance (a program without instances gets one row saying so).</summary>
    public static List<string[]> Rows(IEnumerable<JsonElement> programs, DateTimeOffset now, bool ready = false)
    {
        var rows = new List<string[]>();
        foreach (var program in programs)
        {
            var name = program.GetProperty("name").GetString() ?? "?";
            var instances = program.GetProperty("instances");
            if (instances.GetArrayLength() == 0)
            {
                rows.Add(WithReady([name, "-", "(no instances)", "-", "-", "-", "-", "-", "-"], ready, "-"));
            }

            foreach (var instance in instances.EnumerateArray())
            {
                string[] row =
                [
                    name,
                    instance.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture),
                    instance.GetProperty("status").GetString() ?? "?",
                    instance.TryGetProperty("pid", out var pid) ? pid.GetInt32().ToString(CultureInfo.InvariantCulture) : "-",
                    instance.TryGetProperty("pid", out _) && instance.TryGetProperty("startedAt", out var started)
                        ? Duration(now - started.GetDateTimeOffset())
                        : "-",
                    instance.TryGetProperty("cpuPercent", out var cpu) ? Resources.ResourceText.Cpu(cpu.GetDouble()) : "-",
                    instance.TryGetProperty("memoryBytes", out var memory) ? Resources.ResourceText.Memory(memory.GetInt64()) : "-",
                    instance.GetProperty("currentTry").GetInt32().ToString(CultureInfo.InvariantCulture),
                    WithNextTick(LastExit(instance), program, instance, now),
                ];
                rows.Add(WithReady(row, ready, Ready(instance)));
            }
        }

        return rows;
    }

    /// <summary>
    /// For a program with <c>schedule</c> or <c>cron_restart</c>: when its next tick comes, after the last exit (a job's
    /// instances between runs: "next run in 4m10s"; a program restarted on a schedule: "next restart in 2h05m").
    /// </summary>
    private static string WithNextTick(string lastExit, JsonElement program, JsonElement instance, DateTimeOffset now)
    {
        if (!program.TryGetProperty("nextScheduleAt", out var next) || next.ValueKind != JsonValueKind.String)
        {
            return lastExit;
        }

        var job = program.TryGetProperty("config", out var config) && config.TryGetProperty("schedule", out _);
        if (job && instance.TryGetProperty("pid", out _))
        {
            return lastExit; // running now
        }

        var tick = $"next {(job ? "run" : "restart")} in {Duration(next.GetDateTimeOffset() - now)}";
        return lastExit == "-" ? tick : $"{lastExit}; {tick}";
    }

    private static string[] WithReady(string[] row, bool ready, string cell) => ready ? [.. row[..3], cell, .. row[3..]] : row;

    private static string Ready(JsonElement instance) =>
        !instance.TryGetProperty("ready", out var ready) ? "-" : ready.GetBoolean() ? "yes" : "no";

    private static string LastExit(JsonElement instance) => instance switch
    {
        _ when Is(instance, "Waiting") => $"waiting for {WaitingFor(instance)}",
        _ when Is(instance, "Blocked") => $"blocked: {(instance.TryGetProperty("lastError", out var why) ? why.GetString() : WaitingFor(instance))}",
        _ when instance.TryGetProperty("lastError", out var error) && instance.TryGetProperty("lastExitCode", out var exit)
            && error.GetString() is { } reason && reason.StartsWith("liveness probe failed", StringComparison.Ordinal) =>
            $"{exit.GetInt32().ToString(CultureInfo.InvariantCulture)} ({reason})",
        _ when instance.TryGetProperty("lastError", out var error) => $"could not start: {error.GetString()}",
        _ when instance.TryGetProperty("lastExitCode", out var code) =>
            code.GetInt32().ToString(CultureInfo.InvariantCulture) + (BeforeRestore(instance) ? " (before krust-pm restarted)" : string.Empty),
        _ => "-",
    };

    /// <summary>Whether the instance's last exit belongs to krust-pm's previous run (it ended before the instance was restored).</summary>
    private static bool BeforeRestore(JsonElement instance) =>
        instance.TryGetProperty("restoredAt", out var restored) && instance.TryGetProperty("exitedAt", out var exited)
        && exited.GetDateTimeOffset() < restored.GetDateTimeOffset();

    private static bool Is(JsonElement instance, string status) =>
        instance.TryGetProperty("status", out var value) && value.GetString() == status;

    private static string WaitingFor(JsonElement instance) =>
        instance.TryGetProperty("waitingFor", out var waiting)
            ? string.Join(", ", waiting.EnumerateArray().Select(w => w.GetString()))
            : "its dependencies";

    /// <summary>A compact duration: 45s, 12m05s, 3h07m, 2d04h.</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 0 } => "0s",
        { TotalMinutes: < 1 } => $"{(int)span.TotalSeconds}s",
        { TotalHours: < 1 } => $"{span.Minutes}m{span.Seconds:00}s",
        { TotalDays: < 1 } => $"{span.Hours}h{span.Minutes:00}m",
        _ => $"{(int)span.TotalDays}d{span.Hours:00}h",
    };
}
