using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace KrustPm.Host.Cli;

/// <summary>
/// <c>krust-pm status [NAME] [--json]</c>: the running krust-pm's programs and instances, as a plain, stable,
/// greppable table (one line per instance) or as the API's JSON.
/// </summary>
internal static class StatusCommand
{
    private static readonly string[] Header = ["NAME", "ID", "STATUS", "PID", "UPTIME", "TRIES", "LAST EXIT"];

    public static async Task<int> RunAsync(ApiConnection connection, string? program, bool json, TextWriter output, TimeProvider time)
    {
        var path = program is null ? "api/v1/programs" : $"api/v1/programs/{Uri.EscapeDataString(program)}";
        var (body, exit) = await ApiCall.SendAsync(connection, HttpMethod.Get, path);
        if (body is null)
        {
            return exit;
        }

        if (json)
        {
            await output.WriteLineAsync(body);
            return KrustPmCommandLine.ExitOk;
        }

        using var document = JsonDocument.Parse(body);
        var programs = program is null ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
        if (ReferenceEquals(output, Console.Out) && Terminal.Fancy)
        {
            AnsiConsole.Write(Terminal.Table(Rows(programs, time.GetUtcNow())));
        }
        else
        {
            await output.WriteAsync(Table(programs, time.GetUtcNow()));
        }

        return KrustPmCommandLine.ExitOk;
    }

    /// <summary>One line per instance, columns padded to the widest value, so it reads well and greps well.</summary>
    public static string Table(IEnumerable<JsonElement> programs, DateTimeOffset now)
    {
        var rows = new List<string[]> { Header.ToArray() };
        rows.AddRange(Rows(programs, now));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }

        return text.ToString();
    }

    /// <summary>The columns: name, id, status, pid, uptime, tries, last exit.</summary>
    public static IReadOnlyList<string> Columns => Header;

    /// <summary>One row per instance (a program without instances gets one row saying so).</summary>
    public static List<string[]> Rows(IEnumerable<JsonElement> programs, DateTimeOffset now)
    {
        var rows = new List<string[]>();
        foreach (var program in programs)
        {
            var name = program.GetProperty("name").GetString() ?? "?";
            var instances = program.GetProperty("instances");
            if (instances.GetArrayLength() == 0)
            {
                rows.Add([name, "-", "(no instances)", "-", "-", "-", "-"]);
            }

            foreach (var instance in instances.EnumerateArray())
            {
                rows.Add(
                [
                    name,
                    instance.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture),
                    instance.GetProperty("status").GetString() ?? "?",
                    instance.TryGetProperty("pid", out var pid) ? pid.GetInt32().ToString(CultureInfo.InvariantCulture) : "-",
                    instance.TryGetProperty("pid", out _) && instance.TryGetProperty("startedAt", out var started)
                        ? Duration(now - started.GetDateTimeOffset())
                        : "-",
                    instance.GetProperty("currentTry").GetInt32().ToString(CultureInfo.InvariantCulture),
                    LastExit(instance),
                ]);
            }
        }

        return rows;
    }

    private static string LastExit(JsonElement instance) =>
        instance.TryGetProperty("lastError", out var error) ? $"could not start: {error.GetString()}"
        : instance.TryGetProperty("lastExitCode", out var code) ? code.GetInt32().ToString(CultureInfo.InvariantCulture)
        : "-";

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
