using System.Globalization;
using System.Text.Json;
using KrustPm.Host.Resources;

namespace KrustPm.Host.Cli;

/// <summary>How <c>krust-pm top</c> orders its rows.</summary>
internal enum TopSort
{
    /// <summary>Busiest first.</summary>
    Cpu,

    /// <summary>Largest first.</summary>
    Memory,

    /// <summary>By program, then instance.</summary>
    Name,
}

/// <summary>
/// What <c>krust-pm top</c> shows, from the API's programs: one row per instance (name, id, status, pid, CPU, MEM,
/// processes, threads, open files, uptime), sorted, and a summary line. Pure, so it is tested without a terminal.
/// </summary>
internal static class TopView
{
    /// <summary>The columns: fit in 80 characters with names up to 20.</summary>
    public static readonly string[] Columns = ["NAME", "ID", "STATUS", "PID", "CPU", "MEM", "PROCS", "THR", "FDS", "UPTIME"];

    /// <summary>The rows, sorted; instances without a sample (not running) last, by name.</summary>
    public static List<string[]> Rows(IEnumerable<JsonElement> programs, TopSort sort, DateTimeOffset now)
    {
        var instances = new List<(string Program, long Id, JsonElement Instance)>();
        foreach (var program in programs)
        {
            var name = program.GetProperty("name").GetString() ?? "?";
            foreach (var instance in program.GetProperty("instances").EnumerateArray())
            {
                instances.Add((name, instance.GetProperty("id").GetInt64(), instance));
            }
        }

        var byName = instances.OrderBy(i => i.Program, StringComparer.Ordinal).ThenBy(i => i.Id);
        var ordered = sort switch
        {
            TopSort.Cpu => instances.OrderByDescending(i => Number(i.Instance, "cpuPercent") ?? -1).ThenBy(i => i.Program, StringComparer.Ordinal).ThenBy(i => i.Id),
            TopSort.Memory => instances.OrderByDescending(i => Number(i.Instance, "memoryBytes") ?? -1).ThenBy(i => i.Program, StringComparer.Ordinal).ThenBy(i => i.Id),
            _ => byName,
        };

        return [.. ordered.Select(i => Row(i.Program, i.Id, i.Instance, now))];
    }

    /// <summary>"3 programs, 5 of 6 instances running, CPU 12.5%, MEM 230M".</summary>
    public static string Summary(IReadOnlyList<JsonElement> programs)
    {
        var instances = programs.SelectMany(p => p.GetProperty("instances").EnumerateArray()).ToList();
        var running = instances.Count(i => i.GetProperty("status").GetString() == "Running");
        var cpu = instances.Sum(i => Number(i, "cpuPercent") ?? 0);
        var memory = (long)instances.Sum(i => Number(i, "memoryBytes") ?? 0);
        return $"{programs.Count} program(s), {running} of {instances.Count} instance(s) running, CPU {ResourceText.Cpu(cpu)}, MEM {ResourceText.Memory(memory)}";
    }

    private static string[] Row(string program, long id, JsonElement instance, DateTimeOffset now) =>
    [
        program,
        id.ToString(CultureInfo.InvariantCulture),
        instance.GetProperty("status").GetString() ?? "?",
        instance.TryGetProperty("pid", out var pid) ? pid.GetInt32().ToString(CultureInfo.InvariantCulture) : "-",
        Number(instance, "cpuPercent") is { } cpu ? ResourceText.Cpu(cpu) : "-",
        Number(instance, "memoryBytes") is { } memory ? ResourceText.Memory((long)memory) : "-",
        Text(instance, "processes"),
        Text(instance, "threads"),
        Text(instance, "openFiles"),
        instance.TryGetProperty("pid", out _) && instance.TryGetProperty("startedAt", out var started)
            ? StatusCommand.Duration(now - started.GetDateTimeOffset())
            : "-",
    ];

    private static double? Number(JsonElement instance, string field) =>
        instance.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string Text(JsonElement instance, string field) =>
        instance.TryGetProperty(field, out var value) ? value.GetRawText() : "-";
}
